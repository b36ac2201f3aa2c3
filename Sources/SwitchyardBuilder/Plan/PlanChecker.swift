/// The plan's cross-references, checked once every section is read: names defined once, every
/// reference to something defined, every topic published and subscribed, no agent feeding
/// itself, plan and decisions agreeing. Answers under `## Clarifications` are applied to the plan.
struct PlanChecker {
    var plan: Plan
    var questions: Questions

    static func check(_ plan: inout Plan, questions: inout Questions) {
        var checker = PlanChecker(plan: plan, questions: questions)
        if checker.plan.multiAgent != nil { checker.checkMultiAgent() }
        if checker.plan.pipeline != nil {
            checker.checkPipeline()
            checker.checkPipelineGeneration()
        }
        plan = checker.plan
        questions = checker.questions
    }

    // MARK: - Shared

    /// Escalates every second item of `items` with the same name.
    private mutating func unique<T>(
        _ items: [T], what: String, name: (T) -> String, position: (T) -> SourcePosition
    ) {
        var first: [String: SourcePosition] = [:]
        for item in items {
            let key = name(item)
            if let earlier = first[key] {
                questions.ask(
                    .duplicateName, subject: "\(what) \(key)", at: position(item),
                    "a second \(what) named `\(key)` (the first is at line \(earlier.line)): rename one")
            } else {
                first[key] = position(item)
            }
        }
    }

    /// A reference to one of `defined`, or the answer that names one, or an escalation.
    /// - Parameters:
    ///   - role: what the reference is, as the start of a sentence (`the coordinator expects`).
    ///   - what: what it must name, with the way it is missing (`an agent the plan does not define`).
    ///   - kind: the kind of declared name (``Plan/declared``): a name whose row had its own
    ///     question is not asked about again.
    private mutating func resolve(
        _ reference: Located<String>, among defined: [String], rule: PlanRule, subject: String, role: String,
        what: String, kind: String
    ) -> Located<String>? {
        if defined.contains(reference.value) { return reference }
        if plan.declared[kind]?.contains(reference.value) == true { return nil }
        if let answer = questions.answer(rule, subject: subject) {
            if defined.contains(answer.value) { return answer }
            questions.ask(
                rule, subject: subject, at: answer.position,
                "the answer `\(answer.value)` is not \(what) either", options: nearest(answer.value, among: defined))
            return nil
        }
        let near = nearest(reference.value, among: defined)
        questions.ask(
            rule, subject: subject, at: reference.position,
            "\(role) `\(reference.value)`, \(what)" + (near.isEmpty ? "" : " (did you mean `\(near[0])`?)"),
            options: near)
        return nil
    }

    /// Checks the names `type` uses; returns it with answered names replaced.
    private mutating func checkType(
        _ type: PlanType, at position: SourcePosition, subject: String, defined: Set<String>
    ) -> PlanType {
        var type = type
        for name in type.names where !defined.contains(name) {
            if let answer = questions.answer(.typeUndefined, subject: subject),
                let replacement = PlanType(parsing: answer.value), replacement.names.allSatisfy(defined.contains)
            {
                type = type.replacing(name, with: replacement)
                continue
            }
            let near = nearest(name, among: defined)
            questions.ask(
                .typeUndefined, subject: subject, at: position,
                "\(subject) has the type `\(name)`, which is neither one of the format's nor defined in the plan"
                    + (near.isEmpty ? "" : " (did you mean `\(near[0])`?)"),
                options: near)
        }
        return type
    }

    /// Asks about `value` unless it is a value of `type` as the plan writes values.
    private mutating func checkLiteral(_ value: Located<String>, as type: PlanType, subject: String) {
        guard PlanLiteral.swift(value.value, as: type) == nil else { return }
        let written: Set<String> = ["Int", "UInt64", "Double", "Bool", "String", "Duration"]
        let unwritable = type.names.filter { !written.contains($0) }.sorted()
        questions.ask(
            .valueInvalid, subject: subject, at: value.position,
            unwritable.isEmpty
                ? "`\(value.value)` is not a value of type `\(type)` (\(subject))"
                : "`\(value.value)` cannot be written for `\(type)`: \(unwritable.map { "`\($0)`" }.joined(separator: ", ")) "
                    + "has no written form in a plan; make the type optional (and the value `none`), or use one that has (Int, Double, Bool, String, Duration, lists and maps of them)"
        )
    }

    private mutating func checkFields(
        _ fields: inout [FieldDeclaration], subject: String, defined: Set<String>
    ) {
        unique(fields, what: "field of \(subject)", name: \.name, position: \.position)
        for index in fields.indices {
            fields[index].type = checkType(
                fields[index].type, at: fields[index].position, subject: "\(subject) field \(fields[index].name)",
                defined: defined)
        }
    }

    // MARK: - Multi-Agent

    private mutating func checkMultiAgent() {
        guard var agentsPlan = plan.multiAgent else { return }
        let domain = plan.domain
        let observations = "\(domain):agent_observation"
        let directives = "\(domain):coordinator_directive"
        let stateChanged = "\(domain):state_changed"

        unique(agentsPlan.content, what: "content table", name: \.typeName, position: \.position)
        unique(agentsPlan.state, what: "state field", name: \.name, position: \.position)
        unique(agentsPlan.topics, what: "topic", name: \.name, position: \.position)
        unique(agentsPlan.agents, what: "agent", name: \.name, position: \.position)

        for topic in agentsPlan.topics where [observations, directives, stateChanged].contains(topic.name) {
            questions.ask(
                .duplicateName, subject: "topic \(topic.name)", at: topic.position,
                "\(topic.name) is the runtime's own topic (implied by the format): remove its row")
        }
        for topic in agentsPlan.topics {
            let parts = topic.name.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0] != domain || !isSnakeCase(String(parts[1])) {
                let event = snakeCased(String(parts.last ?? ""))
                questions.ask(
                    .nameInvalid, subject: "topic \(topic.name)", at: topic.position,
                    "the topic `\(topic.name)` is not `\(domain):{event}` with a snake_case event"
                        + (isSnakeCase(event) ? " (did you mean `\(domain):\(event)`?)" : ""),
                    options: isSnakeCase(event) ? ["\(domain):\(event)"] : [])
            }
        }
        // Messages: one name, one shape.
        var messages: [String: Topic] = [:]
        for topic in agentsPlan.topics {
            if let earlier = messages[topic.message], earlier.fields.map(\.name) != topic.fields.map(\.name) {
                questions.ask(
                    .duplicateName, subject: "message \(topic.message)", at: topic.position,
                    "the message `\(topic.message)` has other fields on \(earlier.name): one name, one shape")
            }
            messages[topic.message] = messages[topic.message] ?? topic
        }

        // Types.
        var defined = PlanType.builtinNames
        for table in agentsPlan.content { defined.insert(table.typeName) }
        for topic in agentsPlan.topics { defined.insert(topic.message) }
        if let directive = agentsPlan.coordinator?.directive { defined.insert(directive.name) }
        for index in agentsPlan.content.indices {
            checkFields(
                &agentsPlan.content[index].columns, subject: "content \(agentsPlan.content[index].title)",
                defined: defined)
        }
        for index in agentsPlan.state.indices {
            let field = agentsPlan.state[index]
            agentsPlan.state[index].type = checkType(
                field.type, at: field.position, subject: "state \(field.name)", defined: defined)
        }
        for index in agentsPlan.topics.indices {
            checkFields(
                &agentsPlan.topics[index].fields, subject: "topic \(agentsPlan.topics[index].name)", defined: defined)
        }
        // Written values: each must be a value of its type, never a silent default.
        for table in agentsPlan.content {
            for row in table.rows {
                for (column, cell) in zip(table.columns, row) where column.type.names.allSatisfy(defined.contains) {
                    checkLiteral(
                        cell, as: column.type,
                        subject: "content \(table.title) \(row.first?.value ?? "") \(column.name)")
                }
            }
        }
        for field in agentsPlan.state where field.type.names.allSatisfy(defined.contains) {
            if field.type.names.contains("State") {
                questions.ask(
                    .valueInvalid, subject: "state \(field.name) type", at: field.position,
                    "the state field \(field.name) is of type `\(field.type)`, which holds the state itself: a state cannot contain itself"
                )
                continue
            }
            checkLiteral(field.initial, as: field.type, subject: "state \(field.name) initial")
        }
        for index in agentsPlan.agents.indices {
            checkFields(
                &agentsPlan.agents[index].output.fields, subject: "agent \(agentsPlan.agents[index].name) output",
                defined: defined)
        }
        if agentsPlan.coordinator != nil {
            checkFields(&agentsPlan.coordinator!.directive.fields, subject: "coordinator directive", defined: defined)
        }

        // References to topics.
        let topicNames = agentsPlan.topics.map(\.name) + [observations, directives, stateChanged]
        func subject(_ kind: String, _ name: String) -> String { "\(kind) \(name)" }
        for index in agentsPlan.agents.indices {
            let agent = agentsPlan.agents[index]
            if agent.trigger.value == observations {
                questions.ask(
                    .triggeredByOwnOutput, subject: "agent \(agent.name)", at: agent.trigger.position,
                    "\(agent.name) is triggered by \(observations), where it publishes its own observation: each observation would trigger the next"
                )
                continue
            }
            if let resolved = resolve(
                agent.trigger, among: topicNames, rule: .topicUndefined, subject: "agent \(agent.name) trigger",
                role: "\(agent.name) is triggered by", what: "a topic the plan does not define", kind: "topic")
            {
                agentsPlan.agents[index].trigger = resolved
            }
        }
        for index in agentsPlan.updates.indices {
            let update = agentsPlan.updates[index]
            if let resolved = resolve(
                update.on, among: topicNames, rule: .topicUndefined, subject: "update \(update.on.value) on",
                role: "an update is on", what: "a topic the plan does not define", kind: "topic")
            {
                agentsPlan.updates[index].on = resolved
            }
            if let publishes = update.publishes {
                if publishes.value == update.on.value {
                    questions.ask(
                        .triggeredByOwnOutput, subject: "update \(update.on.value)", at: publishes.position,
                        "the update on \(update.on.value) publishes \(publishes.value) again: each message would cause the next"
                    )
                } else if let resolved = resolve(
                    publishes, among: topicNames, rule: .topicUndefined,
                    subject: "update \(update.on.value) publishes", role: "the update on \(update.on.value) publishes",
                    what: "a topic the plan does not define", kind: "topic")
                {
                    agentsPlan.updates[index].publishes = resolved
                }
            }
        }
        if let ticker = agentsPlan.ticker,
            let resolved = resolve(
                ticker.publishes, among: topicNames, rule: .topicUndefined, subject: "ticker publishes",
                role: "the ticker publishes", what: "a topic the plan does not define", kind: "topic"
            )
        {
            agentsPlan.ticker?.publishes = resolved
            // The ticker publishes the runtime's `Tick`: its topic's message must be that type.
            if let topic = agentsPlan.topics.first(where: { $0.name == resolved.value }),
                topic.message != "Tick" || topic.fields.map(\.name) != ["number"]
                    || topic.fields.first?.type != .named("UInt64")
            {
                questions.ask(
                    .valueInvalid, subject: "topic \(topic.name) message", at: topic.position,
                    "the ticker publishes \(topic.name), so its message is the runtime's Tick (message `Tick`, fields "
                        + "`number: UInt64`), not \(topic.message)(\(topic.fields.map { "\($0.name): \($0.type)" }.joined(separator: ", "))): "
                        + "write that row as the Tick, or have an update publish \(topic.message) on another topic",
                    options: ["Tick | number: UInt64"])
            }
        }
        if let coordinator = agentsPlan.coordinator {
            if coordinator.trigger.value == directives {
                questions.ask(
                    .triggeredByOwnOutput, subject: "coordinator", at: coordinator.trigger.position,
                    "the coordinator is triggered by \(directives), where it publishes its own directives")
            } else if let resolved = resolve(
                coordinator.trigger, among: topicNames, rule: .topicUndefined, subject: "coordinator trigger",
                role: "the coordinator is triggered by", what: "a topic the plan does not define", kind: "topic")
            {
                agentsPlan.coordinator?.trigger = resolved
            }
            if case .agents(let expected) = coordinator.expects {
                var resolvedAgents: [Located<String>] = []
                for agent in expected {
                    if let resolved = resolve(
                        agent, among: agentsPlan.agents.map(\.name), rule: .agentUndefined,
                        subject: "coordinator expects \(agent.value)", role: "the coordinator expects",
                        what: "an agent the plan does not define", kind: "agent")
                    {
                        resolvedAgents.append(resolved)
                    }
                }
                agentsPlan.coordinator?.expects = .agents(resolvedAgents)
            }
        }

        // Who publishes and who subscribes.
        for index in agentsPlan.topics.indices {
            let topic = agentsPlan.topics[index]
            let byTicker = agentsPlan.ticker?.publishes.value == topic.name
            let byState = agentsPlan.updates.contains { $0.publishes?.value == topic.name }
            let published = topic.source == .external || byTicker || byState
            // A source that names one publisher while another publishes it.
            if let source = topic.source, byTicker || byState {
                let actual: Topic.Source = byTicker ? .ticker : .state
                if source != actual {
                    questions.ask(
                        .valueInvalid, subject: "topic \(topic.name) source", at: topic.position,
                        "\(topic.name)'s source says \(source.rawValue), but \(byTicker ? "the ticker" : "an update") publishes it",
                        options: [actual.rawValue])
                }
            }
            if !published {
                if let answer = questions.answer(.topicUnpublished, subject: "topic \(topic.name)"),
                    answer.value.lowercased() == "external"
                {
                    agentsPlan.topics[index].source = .external
                } else {
                    questions.ask(
                        .topicUnpublished, subject: "topic \(topic.name)", at: topic.position,
                        "nobody publishes \(topic.name)"
                            + (topic.source.map {
                                " (its source says \($0.rawValue), but no \($0 == .ticker ? "ticker" : "update") publishes it)"
                            }
                                ?? "")
                            + ": does it come from outside the backend (`external`), or should an update publish it?",
                        options: ["external"])
                }
            }
            let subscribed =
                agentsPlan.agents.contains { $0.trigger.value == topic.name }
                || agentsPlan.updates.contains { $0.on.value == topic.name }
                || agentsPlan.coordinator?.trigger.value == topic.name
            if !subscribed {
                if let answer = questions.answer(.topicUnsubscribed, subject: "topic \(topic.name)"),
                    answer.value.lowercased() == "ui"
                {
                    // The frontend reads it.
                } else {
                    questions.ask(
                        .topicUnsubscribed, subject: "topic \(topic.name)", at: topic.position,
                        "nobody subscribes to \(topic.name): which agent or update reads it (or `ui`, if only the frontend does)?",
                        options: ["ui"])
                }
            }
            if topic.source == .external && topic.fields.isEmpty {
                questions.ask(
                    .responseShapeMissing, subject: "topic \(topic.name)", at: topic.position,
                    "\(topic.name) comes from outside the backend but has no fields: what does the frontend send?")
            }
        }

        // Decisions.
        let needsModel =
            agentsPlan.agents.contains { $0.kind == .llm && $0.model == nil }
            || agentsPlan.coordinator?.decides == .model
        checkModelDecisions(needed: needsModel)
        if let decided = plan.decisions.window {
            if let window = agentsPlan.coordinator?.window, window.value != decided.value {
                questions.ask(
                    .decisionDisagrees, subject: "window", at: decided.position,
                    "the decisions say the window is \(formatDuration(decided.value)), the plan's coordinator \(formatDuration(window.value)) (\(window.position)): which holds?",
                    options: [formatDuration(window.value), formatDuration(decided.value)])
            } else if !agentsPlan.declaresCoordinator {
                questions.ask(
                    .decisionDisagrees, subject: "window", at: decided.position,
                    "the decisions give a window but the plan has no coordinator")
            }
        }
        plan.multiAgent = agentsPlan
    }

    private mutating func checkModelDecisions(needed: Bool) {
        guard needed else { return }
        if plan.decisions.model == nil && !plan.decisions.written.contains("model") {
            if let answer = questions.answer(.decisionMissing, subject: "decision model"), !answer.value.isEmpty {
                plan.decisions.model = answer
            } else {
                questions.ask(
                    .decisionMissing, subject: "decision model", at: decisionsStart,
                    "the plan has a model-driven agent or coordinator, but the decisions name no model (`- model: …` in docs/decisions/\(plan.feature).md)"
                )
            }
        }
        if plan.decisions.provider == nil && !plan.decisions.written.contains("provider") {
            let options = Decisions.Provider.allCases.map(\.rawValue)
            if let answer = questions.answer(.decisionMissing, subject: "decision provider"),
                let provider = Decisions.Provider(rawValue: answer.value.lowercased())
            {
                plan.decisions.provider = Located(provider, at: answer.position)
            } else {
                questions.ask(
                    .decisionMissing, subject: "decision provider", at: decisionsStart,
                    "the plan uses a model, but the decisions name no provider (\(options.joined(separator: " | ")))",
                    options: options)
            }
        }
    }

    private var decisionsStart: SourcePosition {
        .init(document: "docs/decisions/\(plan.feature).md", line: 1, column: 1)
    }

    // MARK: - Pipeline

    private mutating func checkPipeline() {
        guard var pipeline = plan.pipeline else { return }
        unique(pipeline.tables, what: "table", name: \.name, position: \.position)
        unique(pipeline.plans, what: "plan", name: \.name, position: \.position)
        unique(pipeline.endpoints, what: "endpoint", name: \.route, position: \.position)
        unique(pipeline.workers, what: "worker", name: \.name, position: \.position)

        for tableIndex in pipeline.tables.indices {
            let table = pipeline.tables[tableIndex]
            unique(table.columns, what: "column of \(table.name)", name: \.name, position: \.position)
            let columnNames = table.columns.map(\.name)
            for indexIndex in table.indexes.indices {
                let index = table.indexes[indexIndex]
                let written = index.columns.map(\.value).joined(separator: ", ")
                for columnIndex in index.columns.indices where !columnNames.contains(index.columns[columnIndex].value) {
                    let column = index.columns[columnIndex]
                    let subject = "table \(table.name) index \(column.value)"
                    if let answer = questions.answer(.indexColumnUndefined, subject: subject),
                        columnNames.contains(answer.value)
                    {
                        pipeline.tables[tableIndex].indexes[indexIndex].columns[columnIndex] = answer
                        continue
                    }
                    let near = nearest(column.value, among: columnNames)
                    questions.ask(
                        .indexColumnUndefined, subject: subject, at: column.position,
                        "the index (\(written)) names `\(column.value)`, which is not a column of \(table.name)"
                            + (near.isEmpty ? "" : " (did you mean `\(near[0])`?)"),
                        options: near)
                }
            }
        }
        for plan in pipeline.plans {
            unique(plan.features, what: "feature of plan \(plan.name)", name: \.value, position: \.position)
        }

        let defined = PlanType.builtinNames.subtracting(["State"])
        for index in pipeline.workers.indices {
            let name = pipeline.workers[index].name
            checkFields(&pipeline.workers[index].payload, subject: "worker \(name) payload", defined: defined)
            checkFields(&pipeline.workers[index].result, subject: "worker \(name) result", defined: defined)
        }

        let features = Array(Set(pipeline.plans.flatMap { $0.features.map(\.value) })).sorted()
        let workerNames = pipeline.workers.map(\.name)
        for index in pipeline.endpoints.indices {
            let endpoint = pipeline.endpoints[index]
            let subject = "endpoint \(endpoint.route)"
            if let resolved = resolve(
                endpoint.feature, among: features, rule: .featureUndefined, subject: "\(subject) feature",
                role: "\(endpoint.route) is in the feature", what: "which no plan lists", kind: "feature")
            {
                pipeline.endpoints[index].feature = resolved
            }
            if var body = endpoint.body {
                unique(body, what: "field of the body of \(endpoint.route)", name: \.name, position: \.position)
                for fieldIndex in body.indices {
                    body[fieldIndex].type = checkType(
                        body[fieldIndex].type, at: body[fieldIndex].position,
                        subject: "body \(endpoint.route) field \(body[fieldIndex].name)", defined: defined)
                }
                pipeline.endpoints[index].body = body
            } else if endpoint.mode != .status && endpoint.method != "GET" {
                questions.ask(
                    .requestBodyMissing, subject: subject, at: endpoint.position,
                    "\(endpoint.route) (\(endpoint.mode.rawValue)) has no request body table (`### \(endpoint.route)` with field, type, required, limits): what does the frontend send?"
                )
            }
            guard let reference = endpoint.worker,
                let resolved = resolve(
                    reference, among: workerNames, rule: .workerUndefined, subject: "\(subject) worker",
                    role: "\(endpoint.route) forwards to", what: "a worker the plan does not define", kind: "worker"),
                let worker = pipeline.workers.first(where: { $0.name == resolved.value })
            else { continue }
            pipeline.endpoints[index].worker = resolved
            switch endpoint.mode {
            case .enqueue where worker.kind != .durable:
                questions.ask(
                    .endpointModeMismatch, subject: subject, at: endpoint.position,
                    "\(endpoint.route) enqueues to \(worker.name), an in-process worker: make the worker durable, or the endpoint `call`?"
                )
            case .call where worker.kind != .inProcess:
                questions.ask(
                    .endpointModeMismatch, subject: subject, at: endpoint.position,
                    "\(endpoint.route) calls \(worker.name), a durable worker, and would wait on a queue: make the endpoint `enqueue`, or the worker in-process?"
                )
            case .status where worker.kind != .durable || !endpoint.path.contains("{id}"):
                questions.ask(
                    .endpointModeMismatch, subject: subject, at: endpoint.position,
                    "\(endpoint.route) reads a job's status: it needs a durable worker and an `{id}` in its path")
            default:
                break
            }
            if endpoint.mode != .enqueue && worker.result.isEmpty {
                questions.ask(
                    .responseShapeMissing, subject: "worker \(worker.name) result", at: worker.resultPosition,
                    "\(endpoint.route) answers with the result of \(worker.name), which the plan does not give: what does the frontend read?"
                )
            }
        }

        if plan.decisions.store == nil && !plan.decisions.written.contains("store") {
            let options = Decisions.Store.allCases.map(\.rawValue)
            if let answer = questions.answer(.decisionMissing, subject: "decision store"),
                let store = Decisions.Store(rawValue: answer.value.lowercased())
            {
                plan.decisions.store = Located(store, at: answer.position)
            } else {
                questions.ask(
                    .decisionMissing, subject: "decision store", at: decisionsStart,
                    "the plan has tables and jobs, but the decisions name no store (sqlite | postgres)",
                    options: options)
            }
        }
        if let window = plan.decisions.window {
            questions.ask(
                .decisionDisagrees, subject: "window", at: window.position,
                "the decisions give a coordinator window, but a Pipeline plan has no coordinator")
        }
        plan.pipeline = pipeline
    }
}

extension PlanType {
    /// This type with every `name` replaced by `replacement`.
    func replacing(_ name: String, with replacement: PlanType) -> PlanType {
        switch self {
        case .named(let named): named == name ? replacement : self
        case .optional(let type): .optional(type.replacing(name, with: replacement))
        case .array(let type): .array(type.replacing(name, with: replacement))
        case .dictionary(let type): .dictionary(type.replacing(name, with: replacement))
        case .stringSet: self
        }
    }
}
