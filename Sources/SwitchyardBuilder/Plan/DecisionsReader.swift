/// Reads `docs/decisions/{feature}.md`: `- key: value` lines, anywhere in the document.
struct DecisionsReader {
    static let keys = ["store", "model", "provider", "window"]

    let document: MarkdownDocument?
    var questions: Questions

    mutating func read() -> Decisions {
        var decisions = Decisions()
        guard let document else { return decisions }
        for (number, diagnostic) in document.diagnostics.enumerated() {
            questions.ask(
                .documentForm, subject: "decisions #\(number + 1)", at: diagnostic.position, diagnostic.message)
        }
        let fields =
            document.frontMatter + document.preamble.fields
            + document.sections.flatMap { section in section.fields + section.subsections.flatMap(\.fields) }
        var seen: [String: SourcePosition] = [:]
        for field in fields {
            let key = field.key.lowercased()
            guard Self.keys.contains(key) else {
                let near = nearest(key, among: Self.keys)
                questions.ask(
                    .decisionKeyUnknown, subject: "decision \(field.key)", at: field.position,
                    "the decision document's `\(field.key)` is not a decision the builder knows ("
                        + Self.keys.joined(separator: ", ") + ")"
                        + (near.isEmpty ? "" : "; did you mean `\(near[0])`?"),
                    options: near)
                continue
            }
            if seen[key] != nil {
                questions.ask(
                    .duplicateName, subject: "decision \(key)", at: field.position,
                    "a second `\(key):` decision: which one holds?")
                continue
            }
            seen[key] = field.position
            decisions.written.insert(key)
            let written = Located(field.value, at: field.valuePosition)
            switch key {
            case "store": decisions.store = choice(written, key: key)
            case "provider": decisions.provider = choice(written, key: key)
            case "model":
                if written.value.isEmpty {
                    questions.ask(
                        .decisionValueInvalid, subject: "decision model", at: field.position, "`model:` is empty")
                } else {
                    decisions.model = written
                }
            default:
                if let duration = PlanDuration.parse(written.value), duration > .zero {
                    decisions.window = Located(duration, at: written.position)
                } else if let answer = questions.answer(.decisionValueInvalid, subject: "decision window"),
                    let duration = PlanDuration.parse(answer.value), duration > .zero
                {
                    decisions.window = Located(duration, at: answer.position)
                } else {
                    questions.ask(
                        .decisionValueInvalid, subject: "decision window", at: written.position,
                        "the decided window `\(written.value)` is not a positive duration (800ms, 5s)")
                }
            }
        }
        return decisions
    }

    private mutating func choice<E: RawRepresentable & CaseIterable & Hashable & Sendable>(
        _ written: Located<String>, key: String
    ) -> Located<E>? where E.RawValue == String {
        let options = E.allCases.map(\.rawValue)
        let parse = { (text: String) in E.allCases.first { $0.rawValue == text.lowercased() } }
        if let value = parse(written.value) { return Located(value, at: written.position) }
        if let answer = questions.answer(.decisionValueInvalid, subject: "decision \(key)"),
            let value = parse(answer.value)
        {
            return Located(value, at: answer.position)
        }
        let near = nearest(written.value.lowercased(), among: options)
        questions.ask(
            .decisionValueInvalid, subject: "decision \(key)", at: written.position,
            "`\(written.value)` is not a \(key) the builder knows (\(options.joined(separator: " | ")))"
                + (near.isEmpty ? "" : "; did you mean `\(near[0])`?"),
            options: near.isEmpty ? options : near)
        return nil
    }
}
