extension DocumentReader {
    mutating func readPipeline() -> PipelinePlan {
        var plan = PipelinePlan(tables: [], plans: [], endpoints: [], workers: [], session: nil)
        if let section = document.section("Tables") { plan.tables = section.subsections.compactMap { readTable($0) } }
        if let section = document.section("Plans") { plan.plans = readPlans(section) }
        if let section = document.section("Endpoints") { plan.endpoints = readEndpoints(section) }
        if let section = document.section("Workers") { plan.workers = readWorkers(section) }
        if let section = document.section("Session") { plan.session = readSession(section) }
        return plan
    }

    private mutating func readTable(_ section: DocumentSection) -> TablePlan? {
        let place = "table \(section.title)"
        guard checkName(section.title, at: section.position, subject: place, what: "a table"),
            let table = table(of: section, place: place),
            let columns = columns(of: table, in: place, required: ["column", "type"], optional: ["constraints"])
        else { return nil }
        var result = TablePlan(name: section.title, columns: [], indexes: [], position: section.position)
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let name = columns.cell(row, "column", rowPosition: at),
                checkName(name.text, at: name.position, subject: "\(place) column \(name.text)", what: "a column"),
                let type = columns.cell(row, "type", rowPosition: at)
            else { continue }
            guard !type.text.isEmpty else {
                questions.ask(
                    .fieldMissing, subject: "\(place) column \(name.text) type", at: type.position,
                    "the column \(section.title).\(name.text) has no SQL type")
                continue
            }
            result.columns.append(
                .init(
                    name: name.text, type: type.text,
                    constraints: columns.cell(row, "constraints", rowPosition: at)?.text ?? "", position: name.position)
            )
        }
        for field in section.fields where field.key.lowercased() == "indexes" || field.key.lowercased() == "index" {
            result.indexes += readIndexes(Located(field.value, at: field.valuePosition), place: place)
        }
        return result
    }

    /// `(owner, created_at), (email)` → the indexes' column lists.
    private mutating func readIndexes(_ text: Located<String>, place: String) -> [TablePlan.Index] {
        var indexes: [TablePlan.Index] = []
        let value = text.value
        var index = value.startIndex
        while let open = value[index...].firstIndex(of: "("), let close = value[open...].firstIndex(of: ")") {
            var columns: [Located<String>] = []
            let innerStart = value.distance(from: value.startIndex, to: open) + 1
            var offset = 0
            for part in value[value.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false)
            {
                let name = part.trimmingSpaces
                if !name.isEmpty {
                    let leading = part.prefix { $0 == " " }.count
                    columns.append(Located(name, at: text.position.advanced(by: innerStart + offset + leading)))
                }
                offset += part.count + 1
            }
            indexes.append(
                .init(
                    columns: columns,
                    position: text.position.advanced(by: value.distance(from: value.startIndex, to: open))))
            index = value.index(after: close)
        }
        if indexes.isEmpty {
            questions.ask(
                .valueInvalid, subject: "\(place) indexes", at: text.position,
                "`\(text.value)` is not a list of indexes: `(column, column), (column)`")
        }
        return indexes
    }

    private mutating func readPlans(_ section: DocumentSection) -> [SubscriptionPlanRow] {
        guard let table = table(of: section, place: "plans"),
            let columns = columns(of: table, in: "plans", required: ["plan", "features", "limit", "period"])
        else { return [] }
        var plans: [SubscriptionPlanRow] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let name = columns.cell(row, "plan", rowPosition: at),
                checkName(name.text, at: name.position, subject: "plan \(name.text)", what: "a plan"),
                let featuresCell = columns.cell(row, "features", rowPosition: at),
                let limitCell = columns.cell(row, "limit", rowPosition: at),
                let periodCell = columns.cell(row, "period", rowPosition: at)
            else { continue }
            let subject = "plan \(name.text)"
            var features: [Located<String>] = []
            var offset = 0
            for part in featuresCell.text.split(separator: ",", omittingEmptySubsequences: false) {
                defer { offset += part.count + 1 }
                let feature = part.trimmingSpaces
                let position = featuresCell.position.advanced(by: offset + part.prefix { $0 == " " }.count)
                if !feature.isEmpty,
                    checkName(feature, at: position, subject: "\(subject) feature \(feature)", what: "a feature")
                {
                    features.append(Located(feature, at: position))
                }
            }
            let limit = integer(limitCell.text, at: limitCell.position, subject: "\(subject) limit", minimum: 1)
            let period: SubscriptionPlanRow.Period? = enumeration(
                periodCell.text, at: periodCell.position, subject: "\(subject) period")
            guard let limit, let period else { continue }
            plans.append(
                SubscriptionPlanRow(
                    name: name.text, features: features, limit: limit, period: period, position: name.position))
        }
        return plans
    }

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    private mutating func readEndpoints(_ section: DocumentSection) -> [EndpointPlan] {
        guard let table = table(of: section, place: "endpoints"),
            let columns = columns(
                of: table, in: "endpoints", required: ["method", "path", "feature", "cost", "worker", "mode"],
                optional: ["processing", "logic"])
        else { return [] }
        var endpoints: [EndpointPlan] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let methodCell = columns.cell(row, "method", rowPosition: at),
                let pathCell = columns.cell(row, "path", rowPosition: at),
                let feature = columns.cell(row, "feature", rowPosition: at),
                let costCell = columns.cell(row, "cost", rowPosition: at),
                let workerCell = columns.cell(row, "worker", rowPosition: at),
                let modeCell = columns.cell(row, "mode", rowPosition: at)
            else { continue }
            let subject = "endpoint \(methodCell.text) \(pathCell.text)"
            let method = value(
                methodCell.text, at: methodCell.position, subject: "\(subject) method",
                expected: Self.methods.joined(separator: ", "), options: Self.methods
            ) { text in Self.methods.contains(text.uppercased()) ? text.uppercased() : nil }
            let path = value(
                pathCell.text, at: pathCell.position, subject: "\(subject) path",
                expected: "a path starting with `/`"
            ) { text in text.hasPrefix("/") && !text.contains(" ") ? text : nil }
            let cost = integer(costCell.text, at: costCell.position, subject: "\(subject) cost", minimum: 0)
            let mode: EndpointPlan.Mode? = enumeration(modeCell.text, at: modeCell.position, subject: "\(subject) mode")
            for name in ["processing", "logic"] {
                if let cell = columns.cell(row, name, rowPosition: at), !isNone(cell.text) {
                    questions.ask(
                        .logicInProxy, subject: "\(subject) \(name)", at: cell.position,
                        "\(subject) asks its proxy to \"\(cell.text)\": a proxy only extracts, forwards, logs usage and responds; which worker does this?"
                    )
                }
            }
            let worker = isNone(workerCell.text) ? nil : Located(workerCell.text, at: workerCell.position)
            if worker == nil, mode == .enqueue || mode == .call {
                questions.ask(
                    .logicInProxy, subject: "\(subject) worker", at: workerCell.position,
                    "\(subject) forwards to no worker: the proxy would have to do the work itself; which worker does it?"
                )
            }
            guard let method, let path, let cost, let mode else { continue }
            endpoints.append(
                EndpointPlan(
                    method: method, path: path, feature: Located(feature.text, at: feature.position), cost: cost,
                    worker: worker, mode: mode, body: nil, position: methodCell.position))
        }
        for subsection in section.subsections {
            readBody(subsection, into: &endpoints)
        }
        return endpoints
    }

    /// `### POST /api/summaries`: the request body of that endpoint.
    private mutating func readBody(_ section: DocumentSection, into endpoints: inout [EndpointPlan]) {
        let words = section.title.split(separator: " ", omittingEmptySubsequences: true)
        let route = words.count == 2 ? "\(words[0].uppercased()) \(words[1])" : section.title
        guard let index = endpoints.firstIndex(where: { $0.route == route }) else {
            let near = nearest(route, among: endpoints.map(\.route))
            questions.ask(
                .endpointUndefined, subject: "body \(section.title)", at: section.position,
                "`### \(section.title)` is the body of no endpoint in the Endpoints table"
                    + (near.isEmpty ? "" : " (did you mean `\(near[0])`?)"),
                options: near)
            return
        }
        guard let table = table(of: section, place: "body \(route)"),
            let columns = columns(
                of: table, in: "body \(route)", required: ["field", "type"], optional: ["required", "limits"])
        else { return }
        var fields: [BodyField] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let name = columns.cell(row, "field", rowPosition: at),
                checkName(name.text, at: name.position, subject: "body \(route) field \(name.text)", what: "a field"),
                let typeCell = columns.cell(row, "type", rowPosition: at),
                let type = type(typeCell.text, at: typeCell.position, subject: "body \(route) field \(name.text) type")
            else { continue }
            var required = true
            if let cell = columns.cell(row, "required", rowPosition: at), !cell.text.isEmpty {
                required =
                    value(
                        cell.text, at: cell.position, subject: "body \(route) field \(name.text) required",
                        expected: "yes or no", options: ["yes", "no"]
                    ) { text in
                        ["yes", "true"].contains(text.lowercased())
                            ? true : ["no", "false"].contains(text.lowercased()) ? false : nil
                    }
                    ?? true
            }
            fields.append(
                BodyField(
                    name: name.text, type: type, required: required,
                    limits: columns.cell(row, "limits", rowPosition: at)?.text ?? "", position: name.position))
        }
        if endpoints[index].body != nil {
            questions.ask(
                .duplicateName, subject: "body \(route)", at: section.position, "a second request body for \(route)")
        }
        endpoints[index].body = fields
    }

    private mutating func readWorkers(_ section: DocumentSection) -> [WorkerPlan] {
        guard let table = table(of: section, place: "workers"),
            let columns = columns(
                of: table, in: "workers",
                required: ["worker", "kind", "payload", "result", "attempts", "timeout", "processing"])
        else { return [] }
        var workers: [WorkerPlan] = []
        for row in table.rows {
            let at = row.first?.position ?? table.position
            guard let name = columns.cell(row, "worker", rowPosition: at),
                checkName(name.text, at: name.position, subject: "worker \(name.text)", what: "a worker"),
                let kindCell = columns.cell(row, "kind", rowPosition: at),
                let payload = columns.cell(row, "payload", rowPosition: at),
                let result = columns.cell(row, "result", rowPosition: at),
                let attemptsCell = columns.cell(row, "attempts", rowPosition: at),
                let timeoutCell = columns.cell(row, "timeout", rowPosition: at),
                let processing = columns.cell(row, "processing", rowPosition: at)
            else { continue }
            let subject = "worker \(name.text)"
            let kind: WorkerPlan.Kind? = enumeration(kindCell.text, at: kindCell.position, subject: "\(subject) kind")
            let attempts = integer(
                attemptsCell.text, at: attemptsCell.position, subject: "\(subject) attempts", minimum: 1)
            let timeout = duration(timeoutCell.text, at: timeoutCell.position, subject: "\(subject) timeout")
            if isNone(processing.text) {
                questions.ask(
                    .fieldMissing, subject: "\(subject) processing", at: processing.position,
                    "the worker \(name.text) does not say what it does")
            }
            let payloadFields = fieldList(payload.text, at: payload.position, subject: "\(subject) payload")
            let resultFields = fieldList(result.text, at: result.position, subject: "\(subject) result")
            guard let kind, let attempts, let timeout, !isNone(processing.text) else { continue }
            workers.append(
                WorkerPlan(
                    name: name.text, kind: kind, payload: payloadFields, result: resultFields,
                    resultPosition: result.position, attempts: attempts,
                    timeout: timeout, processing: Prose(processing.text, at: processing.position),
                    position: name.position))
        }
        return workers
    }

    private mutating func readSession(_ section: DocumentSection) -> SessionPlan? {
        guard let lifetime = requiredSectionField(section, "lifetime", place: "session"),
            let secret = requiredSectionField(section, "secret_env", place: "session"),
            let duration = duration(lifetime.value, at: lifetime.position, subject: "session lifetime")
        else { return nil }
        guard
            value(
                secret.value, at: secret.position, subject: "session secret_env",
                expected: "an environment variable's name (UPPER_CASE)",
                parse: { text in
                    text.first?.isLetter == true
                        && text.allSatisfy { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" } ? text : nil
                }) != nil
        else { return nil }
        return SessionPlan(lifetime: duration, secretEnvironmentVariable: secret, position: section.position)
    }
}
