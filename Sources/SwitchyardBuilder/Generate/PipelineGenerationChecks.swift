/// What a Pipeline plan may say that the Pipeline generator cannot build as said: asked (as
/// escalations of the existing rules) before anything is generated, never dropped or guessed.
/// `switchyard plan lint` asks them too.
extension PlanChecker {
    /// The app's own tables and the runtime's: a plan's table of the same name would fail its
    /// migration.
    static let reservedTables: Set<String> = ["users", "grdb_migrations"]
    /// Routes the app's skeleton serves.
    static let reservedPaths: Set<String> = ["/health", "/metrics", "/auth/signup", "/auth/login"]

    mutating func checkPipelineGeneration() {
        guard var pipeline = plan.pipeline else { return }
        checkStore()
        checkTables(pipeline)
        for index in pipeline.plans.indices { checkPeriod(&pipeline.plans[index]) }
        checkEndpoints(pipeline)
        checkWorkerBodies(pipeline)
        plan.pipeline = pipeline
    }

    private mutating func checkStore() {
        guard let store = plan.decisions.store, store.value != .sqlite else { return }
        let subject = "decision store"
        if let answer = questions.answer(.decisionValueInvalid, subject: subject),
            answer.value.lowercased() == Decisions.Store.sqlite.rawValue
        {
            plan.decisions.store = Located(.sqlite, at: answer.position)
            return
        }
        questions.ask(
            .decisionValueInvalid, subject: subject, at: store.position,
            "the Pipeline track builds its apps on SQLite (SwitchyardStore's migrations, job store and usage meter); `store: \(store.value.rawValue)` is not generated yet: decide sqlite, or build the store by hand",
            options: ["sqlite"])
    }

    private mutating func checkTables(_ pipeline: PipelinePlan) {
        for table in pipeline.tables {
            let subject = "table \(table.name)"
            if Self.reservedTables.contains(table.name) || table.name.hasPrefix("switchyard_")
                || table.name.hasPrefix("sqlite_")
            {
                questions.ask(
                    .duplicateName, subject: subject, at: table.position,
                    "the table `\(table.name)` is the app's or Switchyard's own (accounts use `users`; the runtime `switchyard_*`, `grdb_migrations`, SQLite `sqlite_*`): name it for the feature, such as `\(plan.feature.replacingHyphens)_\(table.name)`"
                )
            }
            if table.columns.isEmpty {
                questions.ask(
                    .fieldMissing, subject: "\(subject) columns", at: table.position,
                    "the table \(table.name) has no columns: which columns does it hold?")
            }
            for column in table.columns {
                if let problem = PipelineSQL.problem(type: column.type, constraints: column.constraints) {
                    questions.ask(
                        .valueInvalid, subject: "\(subject) column \(column.name)", at: column.position,
                        "\(table.name).\(column.name): \(problem)")
                }
            }
        }
    }

    private mutating func checkPeriod(_ row: inout SubscriptionPlanRow) {
        let supported = ["hour", "day"]
        if row.limit > Int(Int32.max) {
            questions.ask(
                .valueInvalid, subject: "plan \(row.name) limit", at: row.position,
                "plan \(row.name)'s limit \(row.limit) is more than the usage meter counts (at most \(Int32.max) a period)"
            )
        }
        guard !supported.contains(row.period.rawValue) else { return }
        let subject = "plan \(row.name) period"
        if let answer = questions.answer(.valueInvalid, subject: subject),
            supported.contains(answer.value.lowercased()),
            let period = SubscriptionPlanRow.Period(rawValue: answer.value.lowercased())
        {
            row.period = period
            return
        }
        questions.ask(
            .valueInvalid, subject: subject, at: row.position,
            "plan \(row.name) counts usage per \(row.period.rawValue), but the usage meter counts per hour or per day: which one?",
            options: supported)
    }

    private mutating func checkEndpoints(_ pipeline: PipelinePlan) {
        for endpoint in pipeline.endpoints {
            let subject = "endpoint \(endpoint.route)"
            let segments = endpoint.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            let parameters = segments.filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            let plain = segments.allSatisfy { segment in
                if segment.hasPrefix("{") {
                    return segment.hasSuffix("}") && segment.count > 2
                        && segment.dropFirst().dropLast().allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") }
                }
                return !segment.isEmpty
                    && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
            }
            if !plain {
                questions.ask(
                    .valueInvalid, subject: "\(subject) path", at: endpoint.position,
                    "`\(endpoint.path)` is not a route the builder writes: `/`-separated segments of letters, digits, `-`, `_` and `.`, or a parameter `{name}`, without an empty segment or a trailing `/`"
                )
            }
            if Self.reservedPaths.contains(endpoint.path) || endpoint.path.hasPrefix("/auth/") {
                questions.ask(
                    .duplicateName, subject: "\(subject) path", at: endpoint.position,
                    "\(endpoint.path) is the app's own route (sign-up, log-in, health, metrics): give the endpoint a path of its own"
                )
            }
            switch endpoint.mode {
            case .enqueue, .call:
                if endpoint.method == "GET" {
                    questions.ask(
                        .endpointModeMismatch, subject: "\(subject) method", at: endpoint.position,
                        "\(endpoint.route) \(endpoint.mode.rawValue)s with a GET, which has no body for the proxy to forward: make it a POST?"
                    )
                }
                if !parameters.isEmpty {
                    questions.ask(
                        .logicInProxy, subject: "\(subject) parameters", at: endpoint.position,
                        "\(endpoint.route) has path parameters (\(parameters.map { "{\($0)}" }.joined(separator: ", "))), but a thin proxy forwards the body only: put them in the body?"
                    )
                }
                guard endpoint.mode == .enqueue, let worker = endpoint.worker?.value,
                    pipeline.workers.contains(where: { $0.name == worker && $0.kind == .durable })
                else { break }
                let status = pipeline.endpoints.contains {
                    $0.mode == .status && $0.worker?.value == worker && $0.path.hasSuffix("/{id}")
                }
                if !status {
                    questions.ask(
                        .endpointModeMismatch, subject: "\(subject) status", at: endpoint.position,
                        "\(endpoint.route) answers 202 with a status URL, but no `status` endpoint of \(worker) ends in `/{id}`: where does the caller read the job's status (such as `GET \(endpoint.path)/{id}`)?"
                    )
                }
            case .status:
                if endpoint.worker == nil {
                    questions.ask(
                        .endpointModeMismatch, subject: "\(subject) worker", at: endpoint.position,
                        "\(endpoint.route) reads the status of a job, but names no worker: whose jobs?")
                }
                if parameters != ["id"] && endpoint.path.contains("{id}") {
                    questions.ask(
                        .logicInProxy, subject: "\(subject) parameters", at: endpoint.position,
                        "\(endpoint.route) has path parameters besides {id}, which the status lookup does not read: remove them?"
                    )
                }
                if endpoint.body != nil {
                    questions.ask(
                        .endpointModeMismatch, subject: "\(subject) body", at: endpoint.position,
                        "\(endpoint.route) reads a job's status, which takes no request body: remove `### \(endpoint.route)`?"
                    )
                }
            }
        }
    }

    /// Each worker's payload is what its proxies forward: the bodies sent to it must be that
    /// payload, with limits the generator can check.
    private mutating func checkWorkerBodies(_ pipeline: PipelinePlan) {
        for worker in pipeline.workers {
            for field in worker.payload
            where field.type.contains("Duration") || (field.type.unwrapped.isCollection && field.type.contains("Date"))
            {
                questions.ask(
                    .valueInvalid, subject: "worker \(worker.name) payload field \(field.name) type",
                    at: field.position,
                    "\(worker.name)'s payload field \(field.name) is \(field.type), which a JSON body cannot carry as such: a number of seconds (Int or Double), or a Date (ISO 8601 text)?"
                )
            }
            for field in worker.result where field.type.contains("Duration") {
                questions.ask(
                    .valueInvalid, subject: "worker \(worker.name) result field \(field.name) type", at: field.position,
                    "\(worker.name)'s result field \(field.name) is \(field.type), which JSON shows as [seconds, attoseconds]: a number of seconds (Double)?"
                )
            }
            let endpoints = pipeline.endpoints.filter { $0.worker?.value == worker.name && $0.mode != .status }
            var first: (route: String, fields: [BodyField])?
            for endpoint in endpoints {
                guard let body = endpoint.body else { continue }
                checkBody(body, of: endpoint, against: worker)
                if let first, !Self.sameBody(first.fields, body) {
                    questions.ask(
                        .endpointModeMismatch, subject: "worker \(worker.name) bodies", at: endpoint.position,
                        "\(first.route) and \(endpoint.route) both forward to \(worker.name) with different bodies (fields, required or limits), but a worker has one payload: make them agree?"
                    )
                } else if first == nil {
                    first = (endpoint.route, body)
                }
            }
        }
    }

    private static func sameBody(_ a: [BodyField], _ b: [BodyField]) -> Bool {
        let key = { (fields: [BodyField]) in
            fields.map { "\($0.name) \($0.type) \($0.required) \($0.limits)" }.sorted()
        }
        return key(a) == key(b)
    }

    private mutating func checkBody(_ body: [BodyField], of endpoint: EndpointPlan, against worker: WorkerPlan) {
        let subject = "body \(endpoint.route)"
        for field in body {
            let fieldSubject = "\(subject) field \(field.name)"
            guard let payload = worker.payload.first(where: { $0.name == field.name }) else {
                questions.ask(
                    .endpointModeMismatch, subject: "\(fieldSubject) payload", at: field.position,
                    "the body of \(endpoint.route) has `\(field.name)`, which is not in \(worker.name)'s payload (\(worker.payload.map(\.name).joined(separator: ", "))): the proxy forwards the body as the payload, so it would be dropped"
                )
                continue
            }
            if payload.type != field.type {
                questions.ask(
                    .endpointModeMismatch, subject: "\(fieldSubject) type", at: field.position,
                    "the body of \(endpoint.route) has `\(field.name): \(field.type)`, \(worker.name)'s payload `\(field.name): \(payload.type)`: which type?"
                )
                continue
            }
            switch PipelineFieldLimits.parse(field.limits, type: field.type) {
            case .failure(let error):
                questions.ask(
                    .valueInvalid, subject: "\(fieldSubject) limits", at: field.position,
                    "the limits of \(endpoint.route)'s `\(field.name)` (\(field.limits)): \(error.message); the builder reads \(PipelineFieldLimits.forms)"
                )
            case .success(let limits):
                if !field.required && !field.type.isOptional && limits.defaultValue == nil {
                    questions.ask(
                        .valueInvalid, subject: "\(fieldSubject) required", at: field.position,
                        "`\(field.name)` of \(endpoint.route) is not required, but \(field.type) has no value for its absence: make it `\(field.type)?`, or give `default …` in its limits"
                    )
                }
                if limits.defaultValue != nil && field.required {
                    questions.ask(
                        .valueInvalid, subject: "\(fieldSubject) required", at: field.position,
                        "`\(field.name)` of \(endpoint.route) is required and has a default, which would never be used: is it required?"
                    )
                }
            }
        }
        for field in worker.payload where !field.type.isOptional && !body.contains(where: { $0.name == field.name }) {
            questions.ask(
                .endpointModeMismatch, subject: "\(subject) field \(field.name) missing", at: endpoint.position,
                "\(worker.name)'s payload needs `\(field.name): \(field.type)`, which the body of \(endpoint.route) does not give: add it to the body, or make it optional?"
            )
        }
    }
}
