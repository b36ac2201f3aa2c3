extension DocumentReader {
    mutating func readMultiAgent(domain: String, decidedWindow: Located<Duration>?) -> MultiAgentPlan {
        var plan = MultiAgentPlan(
            content: [], state: [], updates: [], topics: [], ticker: nil, agents: [], coordinator: nil)
        if let section = document.section("Content") { plan.content = readContent(section) }
        if let section = document.section("State") {
            plan.state = readState(section)
            if let updates = section.subsection("Updates") { plan.updates = readUpdates(updates) }
        }
        if let section = document.section("Topics") { plan.topics = readTopics(section) }
        if let section = document.section("Ticker") { plan.ticker = readTicker(section) }
        if let section = document.section("Agents") { plan.agents = readAgents(section) }
        if let section = document.section("Coordinator") {
            plan.declaresCoordinator = true
            plan.coordinator = readCoordinator(section, decidedWindow: decidedWindow)
        } else if !plan.agents.isEmpty {
            questions.ask(
                .coordinatorMissing, subject: "coordinator", at: start,
                "the plan has agents but no `## Coordinator`: who turns their observations into directives, and within which window?"
            )
        }
        return plan
    }

    private mutating func readContent(_ section: DocumentSection) -> [ContentTable] {
        var tables: [ContentTable] = []
        for subsection in section.subsections {
            // The title names a Swift type (`### Plants` → `Plant`) and a file: words only.
            let typeName = rowTypeName(forTitle: subsection.title)
            guard subsection.title.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "_") }),
                isTypeName(typeName), !PlanType.builtinNames.contains(typeName),
                !SwiftNames.reservedTypeNames.contains(typeName)
            else {
                questions.ask(
                    .nameInvalid, subject: "content \(subsection.title)", at: subsection.position,
                    "the content table `\(subsection.title)` would be the type `\(typeName)`: a title is words of ASCII "
                        + "letters and digits, starting with a letter, and not a name of Swift's or the runtime's (String, State, Tick…)"
                )
                continue
            }
            guard let table = table(of: subsection, place: "content \(subsection.title)") else { continue }
            var columns: [FieldDeclaration] = []
            for cell in table.header {
                guard let colon = cell.text.firstIndex(of: ":") else {
                    questions.ask(
                        .valueInvalid, subject: "content \(subsection.title) column \(cell.text)", at: cell.position,
                        "a content column is `name:Type`; `\(cell.text)` has no type")
                    continue
                }
                let name = cell.text[..<colon].trimmingSpaces
                let subject = "content \(subsection.title) column \(name)"
                guard checkName(name, at: cell.position, subject: subject, what: "a column") else { continue }
                if let type = type(
                    String(cell.text[cell.text.index(after: colon)...]), at: cell.position, subject: subject)
                {
                    columns.append(FieldDeclaration(name: name, type: type, position: cell.position))
                }
            }
            tables.append(
                ContentTable(
                    title: subsection.title, typeName: typeName, columns: columns,
                    rows: table.rows.map { $0.map { Located($0.text, at: $0.position) } },
                    position: subsection.position))
        }
        return tables
    }

    private mutating func readState(_ section: DocumentSection) -> [StateField] {
        guard let table = table(of: section, place: "state"),
            let columns = columns(
                of: table, in: "state", required: ["field", "type", "initial"], optional: ["description"])
        else { return [] }
        var fields: [StateField] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let name = columns.cell(row, "field", rowPosition: at),
                checkName(name.text, at: name.position, subject: "state \(name.text)", what: "a state field"),
                let typeCell = columns.cell(row, "type", rowPosition: at),
                let type = type(typeCell.text, at: typeCell.position, subject: "state \(name.text) type"),
                let initial = columns.cell(row, "initial", rowPosition: at)
            else { continue }
            if initial.text.isEmpty {
                questions.ask(
                    .fieldMissing, subject: "state \(name.text) initial", at: initial.position,
                    "the state field \(name.text) has no initial value: what is it at start?")
                continue
            }
            fields.append(
                StateField(
                    name: name.text, type: type, initial: Located(initial.text, at: initial.position),
                    description: columns.cell(row, "description", rowPosition: at)?.text ?? "", position: at))
        }
        return fields
    }

    private mutating func readUpdates(_ section: DocumentSection) -> [StateUpdate] {
        guard let table = table(of: section, place: "updates"),
            let columns = columns(of: table, in: "updates", required: ["on", "does"], optional: ["publishes"])
        else { return [] }
        var updates: [StateUpdate] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let on = columns.cell(row, "on", rowPosition: at),
                let does = columns.cell(row, "does", rowPosition: at)
            else { continue }
            if does.text.isEmpty || isNone(does.text) {
                questions.ask(
                    .fieldMissing, subject: "update \(on.text) does", at: does.position,
                    "the update on \(on.text) does not say what it does")
                continue
            }
            let publishes = columns.cell(row, "publishes", rowPosition: at).flatMap { cell in
                isNone(cell.text) ? nil : Located(cell.text, at: cell.position)
            }
            updates.append(
                StateUpdate(
                    on: Located(on.text, at: on.position), does: Prose(does.text, at: does.position),
                    publishes: publishes, position: at))
        }
        return updates
    }

    private mutating func readTopics(_ section: DocumentSection) -> [Topic] {
        guard let table = table(of: section, place: "topics"),
            let columns = columns(
                of: table, in: "topics", required: ["topic", "message"], optional: ["fields", "source"])
        else { return [] }
        var topics: [Topic] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let name = columns.cell(row, "topic", rowPosition: at),
                let message = columns.cell(row, "message", rowPosition: at)
            else { continue }
            declare("topic", name.text)
            let subject = "topic \(name.text)"
            guard isTypeName(message.text) else {
                let suggestion = upperCamelCased(message.text)
                questions.ask(
                    .nameInvalid, subject: "\(subject) message", at: message.position,
                    "the message `\(message.text)` is a type name: UpperCamelCase"
                        + (isTypeName(suggestion) ? " (did you mean `\(suggestion)`?)" : ""),
                    options: isTypeName(suggestion) ? [suggestion] : [])
                continue
            }
            let messageName = message.text
            let fields = columns.cell(row, "fields", rowPosition: at).map { cell in
                fieldList(cell.text, at: cell.position, subject: subject)
            }
            var source: Topic.Source?
            if let cell = columns.cell(row, "source", rowPosition: at), !isNone(cell.text) {
                source = enumeration(cell.text, at: cell.position, subject: "\(subject) source")
            }
            topics.append(
                Topic(
                    name: name.text, message: messageName, fields: fields ?? [], source: source, position: name.position
                ))
        }
        return topics
    }

    private mutating func readTicker(_ section: DocumentSection) -> TickerPlan? {
        guard let every = requiredSectionField(section, "every", place: "ticker"),
            let publishes = requiredSectionField(section, "publishes", place: "ticker"),
            let interval = duration(every.value, at: every.position, subject: "ticker every")
        else { return nil }
        return TickerPlan(every: interval, publishes: publishes, position: section.position)
    }

    private mutating func readAgents(_ section: DocumentSection) -> [AgentPlan] {
        guard let table = table(of: section, place: "agents"),
            let columns = columns(
                of: table, in: "agents", required: ["agent", "kind", "trigger", "responsibility", "output"],
                optional: ["fallback", "model", "timeout"])
        else { return [] }
        var agents: [AgentPlan] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            if let name = columns.cell(row, "agent", rowPosition: at) { declare("agent", name.text) }
            guard let name = columns.cell(row, "agent", rowPosition: at),
                checkName(name.text, at: name.position, subject: "agent \(name.text)", what: "an agent"),
                let kindCell = columns.cell(row, "kind", rowPosition: at),
                let trigger = columns.cell(row, "trigger", rowPosition: at),
                let responsibility = columns.cell(row, "responsibility", rowPosition: at),
                let outputCell = columns.cell(row, "output", rowPosition: at)
            else { continue }
            let subject = "agent \(name.text)"
            let kind: AgentPlan.Kind? = enumeration(kindCell.text, at: kindCell.position, subject: "\(subject) kind")
            let outputs = outputCases(outputCell.text, at: outputCell.position, subject: "\(subject) output")
            if outputs.count > 1 {
                questions.ask(
                    .agentWithTwoOutputs, subject: subject, at: outputCell.position,
                    "\(name.text) has \(outputs.count) outputs (\(outputs.map(\.name).joined(separator: ", "))): one agent, one responsibility; split it into \(outputs.count) agents?"
                )
            } else if outputs.isEmpty && isNone(outputCell.text) {
                questions.ask(
                    .fieldMissing, subject: "\(subject) output", at: outputCell.position,
                    "\(name.text) has no output: what observation does it publish?")
            }
            if isNone(responsibility.text) {
                questions.ask(
                    .fieldMissing, subject: "\(subject) responsibility", at: responsibility.position,
                    "\(name.text) has no responsibility: what does it decide?")
            }
            var fallback = columns.cell(row, "fallback", rowPosition: at).flatMap { cell in
                isNone(cell.text) ? nil : Prose(cell.text, at: cell.position)
            }
            if kind == .llm && fallback == nil {
                if let answer = questions.answer(.fallbackMissing, subject: subject) {
                    if isNone(answer.value) {
                        questions.ask(
                            .fallbackMissing, subject: subject, at: answer.position,
                            "the answer `\(answer.value)` gives \(name.text) no fallback: what should it observe when the model fails?"
                        )
                    } else {
                        fallback = answer
                    }
                } else {
                    questions.ask(
                        .fallbackMissing, subject: subject, at: name.position,
                        "\(name.text) is an llm agent without a fallback: what should it observe when the model fails or times out?"
                    )
                }
            }
            let model = columns.cell(row, "model", rowPosition: at).flatMap { cell in
                isNone(cell.text) ? nil : Located(cell.text, at: cell.position)
            }
            var timeout: Located<Duration>?
            if let cell = columns.cell(row, "timeout", rowPosition: at), !isNone(cell.text) {
                timeout = duration(cell.text, at: cell.position, subject: "\(subject) timeout")
            }
            guard let kind, outputs.count == 1, !isNone(responsibility.text) else { continue }
            agents.append(
                AgentPlan(
                    name: name.text, kind: kind, trigger: Located(trigger.text, at: trigger.position),
                    responsibility: Prose(responsibility.text, at: responsibility.position), output: outputs[0],
                    fallback: fallback, model: model, timeout: timeout, position: name.position))
        }
        return agents
    }

    private mutating func readCoordinator(
        _ section: DocumentSection, decidedWindow: Located<Duration>?
    ) -> CoordinatorPlan? {
        let trigger = requiredSectionField(section, "trigger", place: "coordinator")
        var window: Located<Duration>?
        if let field = section.field("window"), !field.value.isEmpty {
            window = coordinatorWindow(Located(field.value, at: field.valuePosition), rule: .windowNotPositive)
        } else if let answer = questions.answer(.windowMissing, subject: "coordinator window") {
            window = coordinatorWindow(answer, rule: .windowMissing)
        } else {
            let decided = decidedWindow.map { formatDuration($0.value) }
            questions.ask(
                .windowMissing, subject: "coordinator window", at: section.position,
                "the coordinator has no collection window (`- window: 800ms`): how long does it collect observations before it decides?"
                    + (decided.map { " (the decisions say \($0))" } ?? ""),
                options: decided.map { [$0] } ?? [])
        }
        var expects = CoordinatorPlan.Expects.all
        if let field = section.field("expects"), field.value.lowercased() != "all" {
            var agents: [Located<String>] = []
            var offset = 0
            for part in splitTopLevel(field.value) {
                defer { offset += part.count + 1 }
                let name = part.trimmingSpaces
                if !name.isEmpty {
                    agents.append(
                        Located(name, at: field.valuePosition.advanced(by: offset + part.prefix { $0 == " " }.count)))
                }
            }
            expects = .agents(agents)
        }
        var directive: OutputCase?
        if let field = requiredSectionField(section, "directive", place: "coordinator") {
            let cases = outputCases(field.value, at: field.position, subject: "coordinator directive")
            if cases.count > 1 {
                questions.ask(
                    .valueInvalid, subject: "coordinator directive", at: field.position,
                    "the coordinator publishes one directive type; `\(field.value)` names \(cases.count)")
            } else if let only = cases.first {
                if isTypeName(only.name) {
                    directive = only
                } else {
                    questions.ask(
                        .nameInvalid, subject: "coordinator directive", at: field.position,
                        "the directive `\(only.name)` is a message type: UpperCamelCase (did you mean `\(upperCamelCased(only.name))`?)",
                        options: [upperCamelCased(only.name)])
                }
            }
        }
        var decides: CoordinatorPlan.Decides?
        if let field = requiredSectionField(section, "decides", place: "coordinator") {
            decides = enumeration(field.value, at: field.position, subject: "coordinator decides")
        }
        var fallback = section.field("fallback").flatMap { field in
            isNone(field.value) ? nil : Prose(field.value, at: field.position)
        }
        if decides == .model && fallback == nil {
            if let answer = questions.answer(.fallbackMissing, subject: "coordinator") {
                if isNone(answer.value) {
                    questions.ask(
                        .fallbackMissing, subject: "coordinator", at: answer.position,
                        "the answer `\(answer.value)` gives the coordinator no fallback: what should it decide when the model fails?"
                    )
                } else {
                    fallback = answer
                }
            } else {
                questions.ask(
                    .fallbackMissing, subject: "coordinator", at: section.position,
                    "a model decides the coordinator's directives but the plan gives no fallback: what should it decide when the model fails?"
                )
            }
        }
        guard let trigger, let window, let directive, let decides else { return nil }
        return CoordinatorPlan(
            trigger: trigger, window: window, expects: expects, directive: directive, decides: decides,
            fallback: fallback, position: section.position)
    }

    private mutating func coordinatorWindow(_ written: Located<String>, rule: PlanRule) -> Located<Duration>? {
        if let duration = PlanDuration.parse(written.value), duration > .zero {
            return Located(duration, at: written.position)
        }
        if rule == .windowNotPositive, let answer = questions.answer(.windowNotPositive, subject: "coordinator window")
        {
            if let duration = PlanDuration.parse(answer.value), duration > .zero {
                return Located(duration, at: answer.position)
            }
            questions.ask(
                .windowNotPositive, subject: "coordinator window", at: answer.position,
                "the answer `\(answer.value)` for the coordinator's window is not a positive duration either")
            return nil
        }
        // An answer that is no duration is asked about under the rule it answered.
        questions.ask(
            rule, subject: "coordinator window", at: written.position,
            "the coordinator's window `\(written.value)` is not a positive duration (800ms, 5s, 2m, 1h, 7d)")
        return nil
    }

    /// A `- key: value` of a section that must be there.
    mutating func requiredSectionField(_ section: DocumentSection, _ key: String, place: String) -> Located<String>? {
        if let field = section.field(key), !field.value.isEmpty {
            return Located(field.value, at: field.valuePosition)
        }
        if let answer = questions.answer(.fieldMissing, subject: "\(place) \(key)") { return answer }
        questions.ask(
            .fieldMissing, subject: "\(place) \(key)", at: section.position,
            "the \(place) has no `- \(key):` line: what is its \(key)?")
        return nil
    }
}
