/// What reading a plan gives: the plan, when nothing stands open, and every escalation of the
/// run (a plan with escalations is never half-used).
public struct PlanReading: Sendable {
    /// `nil` unless ``escalations`` is empty.
    public var plan: Plan?
    public var escalations: [Escalation]
}

/// Reads a plan document and its decision document into a ``Plan``, asking instead of guessing:
/// every problem of the run is an ``Escalation`` with a rule, a subject and a position.
public enum PlanReader {
    /// Reads `plan` and `decisions` (`nil` when the feature has no decision document).
    public static func read(plan: MarkdownDocument, decisions: MarkdownDocument?) -> PlanReading {
        var reader = DocumentReader(
            document: plan, questions: Questions(clarifications: plan.section("Clarifications")))
        var result = reader.readPlan(decisions: decisions)
        var questions = reader.questions
        if result != nil { PlanChecker.check(&result!, questions: &questions) }
        let escalations = questions.finish()
        return PlanReading(plan: escalations.isEmpty ? result : nil, escalations: escalations)
    }
}

/// The words a cell may use for "nothing".
func isNone(_ text: String) -> Bool {
    ["", "—", "–", "-", "none", "n/a"].contains(text.lowercased())
}

extension SourcePosition {
    /// The position `offset` characters further on the same line.
    func advanced(by offset: Int) -> SourcePosition {
        .init(document: document, line: line, column: column + offset)
    }
}

/// The columns of one table, found by name.
struct Columns {
    var indices: [String: Int]

    func cell(_ row: [DocumentTable.Cell], _ name: String, rowPosition: SourcePosition) -> DocumentTable.Cell? {
        guard let index = indices[name] else { return nil }
        return index < row.count ? row[index] : .init(text: "", position: rowPosition)
    }
}

/// Reads one plan document; shared by the two tracks' readers.
struct DocumentReader {
    let document: MarkdownDocument
    var questions: Questions
    /// Names declared by rows, usable or not: see ``Plan/declared``.
    var declared: [String: Set<String>] = [:]

    init(document: MarkdownDocument, questions: Questions) {
        self.document = document
        self.questions = questions
    }

    var start: SourcePosition { .init(document: document.path, line: 1, column: 1) }

    mutating func readPlan(decisions decisionDocument: MarkdownDocument?) -> Plan? {
        // A form problem's subject is its section and its number there: stable when lines are
        // added elsewhere.
        var counts: [String: Int] = [:]
        for diagnostic in document.diagnostics {
            let section =
                document.sections.last { $0.position.line <= diagnostic.position.line }.map { "section \($0.title)" }
                ?? "preamble"
            counts[section, default: 0] += 1
            questions.ask(
                .documentForm, subject: "\(section) #\(counts[section]!)", at: diagnostic.position, diagnostic.message)
        }
        var seenKeys: [String: DocumentField] = [:]
        for field in document.frontMatter {
            let key = field.key.lowercased()
            if let first = seenKeys[key], first.value != field.value {
                questions.ask(
                    .duplicateName, subject: "front matter \(key)", at: field.position,
                    "`\(key)` is given twice in the front matter, as \(first.value) and as \(field.value): which one holds?",
                    options: [first.value, field.value])
            }
            seenKeys[key] = seenKeys[key] ?? field
        }
        let track = readTrack()
        let feature = requiredField("feature", expected: "a feature name (lowercase, `-` or `_`)") { text in
            isFeatureName(text) ? text : nil
        }
        // The file names the feature for the branch and the manifest; the front matter for the
        // code and the placeholders: they must agree.
        let path = document.path
        if let feature, path.hasPrefix("docs/plans/"), path.hasSuffix(".md"),
            case let stem = String(path.dropFirst("docs/plans/".count).dropLast(3)), stem != feature,
            let field = document.field("feature")
        {
            questions.ask(
                .valueInvalid, subject: "front matter feature", at: field.valuePosition,
                "the plan is \(path), but its front matter says `feature: \(feature)`: rename the file or the field",
                options: [stem])
        }
        let app = requiredField("app", expected: "an UpperCamelCase Swift module name") { text in
            isTypeName(text) ? text : nil
        }
        let domain: String?
        if track == .multiAgent {
            domain = requiredField("domain", expected: "a snake_case topic prefix") { isSnakeCase($0) ? $0 : nil }
        } else {
            domain = document.field("domain").map(\.value) ?? feature
        }
        var decisions = DecisionsReader(document: decisionDocument, questions: questions)
        let decided = decisions.read()
        questions = decisions.questions
        guard let track else { return nil }
        checkSections(for: track)
        var plan = Plan(
            feature: feature ?? "", track: track, app: app ?? "", domain: domain ?? "", decisions: decided)
        switch track {
        case .multiAgent:
            plan.multiAgent = readMultiAgent(domain: domain ?? "", decidedWindow: decided.window)
        case .pipeline:
            plan.pipeline = readPipeline()
        }
        plan.declared = declared
        return plan
    }

    // MARK: - Front matter

    private mutating func readTrack() -> Plan.Track? {
        let given = ([document.field("track")] + document.sections.map { $0.field("track") }).compactMap { $0 }
        for other in given.dropFirst() where other.value.lowercased() != given[0].value.lowercased() {
            questions.ask(
                .duplicateName, subject: "track", at: other.valuePosition,
                "the track is given twice, as \(given[0].value) (\(given[0].valuePosition)) and as \(other.value): which one holds?",
                options: [given[0].value, other.value])
        }
        let field = given.first
        let options = Plan.Track.allCases.map(\.rawValue)
        let written: Located<String>
        if let field {
            written = Located(field.value, at: field.valuePosition)
        } else if let answer = questions.answer(.trackMissing, subject: "track") {
            written = answer
        } else {
            questions.ask(
                .trackMissing, subject: "track", at: start,
                "the plan names no Track: is it Multi-Agent or Pipeline? (`track:` in the front matter)",
                options: options)
            return nil
        }
        if let track = Plan.Track.allCases.first(where: { $0.rawValue.lowercased() == written.value.lowercased() }) {
            return track
        }
        if let answer = questions.answer(.trackUnknown, subject: "track"),
            let track = Plan.Track.allCases.first(where: { $0.rawValue.lowercased() == answer.value.lowercased() })
        {
            return track
        }
        let near = nearest(written.value.lowercased(), among: options.map { $0.lowercased() })
        let ordered =
            options.filter { near.contains($0.lowercased()) } + options.filter { !near.contains($0.lowercased()) }
        questions.ask(
            .trackUnknown, subject: "track", at: written.position,
            "`\(written.value)` is not a track: Multi-Agent or Pipeline?"
                + (near.isEmpty ? "" : " (did you mean \(ordered[0])?)"),
            options: ordered)
        return nil
    }

    /// A front-matter (or preamble) field that must be there and of its form.
    private mutating func requiredField(
        _ key: String, expected: String, parse: (String) -> String?
    ) -> String? {
        guard let field = document.field(key), !field.value.isEmpty else {
            if let answer = questions.answer(.fieldMissing, subject: key), let value = parse(answer.value) {
                return value
            }
            questions.ask(
                .fieldMissing, subject: key, at: start, "the plan has no `\(key):` (\(expected)): what is it?")
            return nil
        }
        if let value = parse(field.value) { return value }
        let suggestion = key == "app" ? upperCamelCased(field.value) : snakeCased(field.value)
        questions.ask(
            .nameInvalid, subject: key, at: field.valuePosition,
            "`\(field.value)` is not \(expected)"
                + (parse(suggestion) != nil ? " (did you mean `\(suggestion)`?)" : ""),
            options: parse(suggestion) != nil ? [suggestion] : [])
        return nil
    }

    // MARK: - Sections

    static let multiAgentSections = ["Content", "State", "Topics", "Ticker", "Agents", "Coordinator"]
    static let pipelineSections = ["Tables", "Plans", "Endpoints", "Workers", "Session"]

    private mutating func checkSections(for track: Plan.Track) {
        let (required, own, other): ([String], [String], [String]) =
            track == .multiAgent
            ? (["State", "Topics", "Agents"], Self.multiAgentSections, Self.pipelineSections)
            : (["Plans", "Endpoints", "Workers"], Self.pipelineSections, Self.multiAgentSections)
        for name in required where document.section(name) == nil {
            questions.ask(
                .sectionMissing, subject: "section \(name)", at: start,
                "a \(track.rawValue) plan needs a `## \(name)` section")
        }
        for section in document.sections {
            let title = section.title.lowercased()
            if other.contains(where: { $0.lowercased() == title }) {
                questions.ask(
                    .sectionMissing, subject: "section \(section.title)", at: section.position,
                    "`## \(section.title)` belongs to the other track's plans; is this plan \(track.rawValue)?")
            }
            var seen = false
            for earlier in document.sections where earlier.title.lowercased() == title {
                if earlier.position == section.position { break }
                seen = true
            }
            if seen && own.contains(where: { $0.lowercased() == title }) {
                questions.ask(
                    .duplicateName, subject: "section \(section.title)", at: section.position,
                    "a second `## \(section.title)` section: merge the two")
            }
        }
    }

    // MARK: - Tables and cells

    /// The named columns of `table`, or `nil` (with an escalation) when a required one is missing.
    mutating func columns(
        of table: DocumentTable, in place: String, required: [String], optional: [String] = []
    ) -> Columns? {
        var indices: [String: Int] = [:]
        for name in required + optional {
            if let index = table.column(named: name) { indices[name] = index }
        }
        let missing = required.filter { indices[$0] == nil }
        guard missing.isEmpty else {
            let header = table.header.map(\.text)
            for name in missing {
                let near = nearest(name, among: header)
                questions.ask(
                    .columnMissing, subject: "\(place) column \(name)", at: table.position,
                    "the \(place) table has no `\(name)` column"
                        + (near.isEmpty ? "" : " (did you mean to name `\(near[0])` `\(name)`?)"),
                    options: near.isEmpty ? [] : ["rename `\(near[0])` to `\(name)`"])
            }
            return nil
        }
        return Columns(indices: indices)
    }

    /// The one table of `section`, or `nil` with an escalation.
    /// Records `name` as declared (see ``Plan/declared``).
    mutating func declare(_ kind: String, _ name: String) {
        declared[kind, default: []].insert(name)
    }

    mutating func table(of section: DocumentSection, place: String) -> DocumentTable? {
        guard let table = section.tables.first else {
            questions.ask(
                .columnMissing, subject: "\(place) table", at: section.position, "the \(place) section has no table")
            return nil
        }
        for (number, extra) in section.tables.enumerated().dropFirst() {
            questions.ask(
                .duplicateName, subject: "\(place) table \(number + 1)", at: extra.position,
                "the \(place) section has a second table, and only one is read: merge its rows into the first")
        }
        return table
    }

    /// A value of a form, from a cell or field; a near miss is an option, never applied.
    mutating func value<T>(
        _ text: String, at position: SourcePosition, subject: String, expected: String, options: [String] = [],
        parse: (String) -> T?
    ) -> T? {
        if let value = parse(text) { return value }
        if let answer = questions.answer(.valueInvalid, subject: subject) {
            if let value = parse(answer.value) { return value }
            questions.ask(
                .valueInvalid, subject: subject, at: answer.position,
                "the answer `\(answer.value)` for \(subject) is not \(expected) either", options: options)
            return nil
        }
        let near = nearest(text, among: options)
        questions.ask(
            .valueInvalid, subject: subject, at: position,
            (text.isEmpty ? "\(subject) is empty" : "`\(text)` is not \(expected)")
                + (near.isEmpty ? "" : " (did you mean `\(near[0])`?)"),
            options: near.isEmpty ? options : near)
        return nil
    }

    mutating func duration(_ text: String, at position: SourcePosition, subject: String) -> Located<Duration>? {
        value(text, at: position, subject: subject, expected: "a positive duration (800ms, 5s, 2m, 1h, 7d)") {
            PlanDuration.parse($0).flatMap { $0 > .zero ? $0 : nil }
        }.map { Located($0, at: position) }
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ text: String, at position: SourcePosition, subject: String
    ) -> E? where E.RawValue == String {
        let options = E.allCases.map(\.rawValue)
        return value(
            text, at: position, subject: subject, expected: options.map { "`\($0)`" }.joined(separator: " or "),
            options: options
        ) { text in E.allCases.first { $0.rawValue == text.lowercased() } }
    }

    mutating func integer(
        _ text: String, at position: SourcePosition, subject: String, minimum: Int
    ) -> Int? {
        value(text, at: position, subject: subject, expected: "a whole number of at least \(minimum)") {
            Int($0).flatMap { $0 >= minimum ? $0 : nil }
        }
    }

    /// `Type`, in the format's type syntax (names are checked later, against the document).
    mutating func type(_ text: String, at position: SourcePosition, subject: String) -> PlanType? {
        value(
            text, at: position, subject: subject, expected: "a type of the format (Int, [T], [String: T], T?, a name)"
        ) { PlanType(parsing: $0) }
    }

    /// `a: Int, b: [String]` → field declarations; `—` → none.
    mutating func fieldList(_ text: String, at position: SourcePosition, subject: String) -> [FieldDeclaration] {
        guard !isNone(text) else { return [] }
        var fields: [FieldDeclaration] = []
        var offset = 0
        for part in splitTopLevel(text) {
            defer { offset += part.count + 1 }
            let leading = part.prefix { $0 == " " }.count
            let at = position.advanced(by: offset + leading)
            guard let colon = topLevelIndex(of: ":", in: String(part)) else {
                questions.ask(
                    .valueInvalid, subject: "\(subject) `\(part.trimmingSpaces)`", at: at,
                    "`\(part.trimmingSpaces)` is not `name: Type`")
                continue
            }
            let name = String(part)[..<colon].trimmingSpaces
            let typeText = String(String(part)[String(part).index(after: colon)...])
            guard checkName(name, at: at, subject: "\(subject) field \(name)", what: "a field") else { continue }
            if let type = type(typeText, at: at, subject: "\(subject) field \(name)") {
                fields.append(FieldDeclaration(name: name, type: type, position: at))
            }
        }
        return fields
    }

    /// `heat(on: Bool)` or `heat`: one case; more than one is an agent with two outputs.
    mutating func outputCases(_ text: String, at position: SourcePosition, subject: String) -> [OutputCase] {
        var cases: [OutputCase] = []
        var offset = 0
        for part in splitTopLevel(String(text.map { $0 == "|" || $0 == ";" ? "," : $0 })) {
            defer { offset += part.count + 1 }
            let trimmed = part.trimmingSpaces
            let at = position.advanced(by: offset + part.prefix { $0 == " " }.count)
            guard !trimmed.isEmpty else { continue }
            let name: String
            var fields: [FieldDeclaration] = []
            if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
                name = trimmed[..<open].trimmingSpaces
                let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
                fields = fieldList(inner, at: at.advanced(by: name.count + 1), subject: subject)
            } else {
                name = trimmed
            }
            guard isSnakeCase(name) || isLowerCamelCase(name) || isTypeName(name) else {
                questions.ask(
                    .valueInvalid, subject: "\(subject) `\(trimmed)`", at: at,
                    "`\(trimmed)` is not `name(field: Type, …)`")
                continue
            }
            cases.append(OutputCase(name: name, fields: fields, position: at))
        }
        return cases
    }

    /// Whether `name` is snake_case; escalates with the corrected form if not.
    mutating func checkName(_ name: String, at position: SourcePosition, subject: String, what: String) -> Bool {
        if isSnakeCase(name) { return true }
        let suggestion = snakeCased(name)
        questions.ask(
            .nameInvalid, subject: subject, at: position,
            "\(what) name `\(name)` is not snake_case"
                + (isSnakeCase(suggestion) ? " (did you mean `\(suggestion)`?)" : ""),
            options: isSnakeCase(suggestion) ? [suggestion] : [])
        return false
    }
}

func isFeatureName(_ text: String) -> Bool {
    guard let first = text.first, first.isASCII, first.isLowercase else { return false }
    return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }
}

func isLowerCamelCase(_ text: String) -> Bool {
    guard let first = text.first, first.isASCII, first.isLowercase else { return false }
    return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
}

func upperCamelCased(_ text: String) -> String {
    snakeCased(text).split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
}
