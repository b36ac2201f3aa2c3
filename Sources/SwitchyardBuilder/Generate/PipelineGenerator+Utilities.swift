import Foundation

extension PipelineGenerator {
    /// A worker's payload: what its proxies read from the request body (checking the plan's
    /// limits as they read it) and forward, and what the worker reads back from the job.
    func payload(_ worker: WorkerPlan) -> GeneratedFile {
        let type = payloadType(worker)
        let fields = requestFields(worker)
        let properties = fields.map { request in
            let doc = request.limitsText.isEmpty || isNone(request.limitsText) ? "" : "    /// \(request.limitsText)\n"
            return doc + "    public var \(SwiftNames.member(request.field.name)): \(swiftType(request.field.type))"
        }
        let parameters = fields.map { request in
            let value =
                request.required ? nil : request.limits.defaultValue ?? (request.field.type.isOptional ? "nil" : nil)
            return "\(SwiftNames.member(request.field.name)): \(swiftType(request.field.type))"
                + (value.map { " = \($0)" } ?? "")
        }
        let assignments = fields.map {
            "        self.\(SwiftNames.member($0.field.name)) = \(SwiftNames.member($0.field.name))"
        }
        let multiWord = fields.filter { $0.field.name.contains("_") }
        let keys = fields.map { request in
            let member = SwiftNames.member(request.field.name)
            return request.field.name.contains("_")
                ? "        case \(member) = \"\(request.field.name)\"" : "        case \(member)"
        }
        var convertedKeys = ""
        if !multiWord.isEmpty {
            convertedKeys = """

                    /// The keys as the pipeline's request decoder has them, converted from snake_case
                    /// (`\(SwiftNames.member(multiWord[0].field.name).filter { $0 != "`" })`); a job's payload keeps the body's own keys.
                    private enum ConvertedKeys: String, CodingKey {
                \(multiWord.map { "        case \(SwiftNames.member($0.field.name))" }.joined(separator: "\n"))
                    }

                """
        }
        let reads = fields.map(readStatements).joined(separator: "\n")
        let bodies = forwarding(to: worker).filter { $0.body != nil }.map { "\($0.route) (\(position($0.position)))" }
        let source = bodies.isEmpty ? "" : "\n/// Read from the body of \(bodies.joined(separator: " and ")), it"
        let contents = """
            \(header("the payload of the worker \(worker.name)"))import Foundation

            /// The payload of the worker \(worker.name) (\(position(worker.position))).\(source.isEmpty ? "\n/// Reading it" : source)
            /// checks the plan's limits: a field out of them is a 400 naming it, before anything is
            /// forwarded; the worker reads the job's payload back the same way.
            public struct \(type): Codable, Sendable, Hashable {
            \(properties.isEmpty ? "" : properties.joined(separator: "\n") + "\n\n")\(memberwise(parameters, assignments))

            \(keys.isEmpty ? "" : "    enum CodingKeys: String, CodingKey {\n" + keys.joined(separator: "\n") + "\n    }\n")\(convertedKeys)
                public init(from decoder: any Decoder) throws {
            \(fields.isEmpty ? "        _ = decoder" : "        let container = try decoder.container(keyedBy: CodingKeys.self)")
            \(multiWord.isEmpty ? "" : "        let converted = try decoder.container(keyedBy: ConvertedKeys.self)\n")\(reads)
                }
            }

            """
        return GeneratedFile(
            path: "\(sources)/Utilities/\(type).swift", fileClass: .generated, stage: .utilities,
            contents: contents.replacingOccurrences(of: "\n\n\n", with: "\n\n"))
    }

    /// The statements reading one field into its property: decoded (with its default), checked
    /// against its limits, clamped.
    private func readStatements(_ request: RequestField) -> String {
        let name = request.field.name
        let member = SwiftNames.member(name)
        // A local of its own: never a keyword, nor the decoder or its containers.
        let plain = member.filter { $0 != "`" }
        let local =
            SwiftNames.keywords.union(["decoder", "container", "converted"]).contains(plain) ? plain + "Value" : plain
        let base = request.field.type.unwrapped
        let isDate = base == .named("Date")
        let decoded = isDate ? "String" : swiftType(base)
        // A date is read as text, then parsed.
        let read = isDate ? local + "Text" : local
        let limits = request.limits
        func decode(_ method: String, _ type: String) -> String {
            guard name.contains("_") else { return "container.\(method)(\(type).self, forKey: .\(member))" }
            return
                "(converted.contains(.\(member)) ? converted.\(method)(\(type).self, forKey: .\(member)) : container.\(method)(\(type).self, forKey: .\(member)))"
        }
        func invalid(_ problem: String, indent: String) -> String {
            """
            \(indent)throw DecodingError.dataCorruptedError(
            \(indent)    forKey: .\(member), in: container, debugDescription: \(PlanLiteral.stringLiteral(problem)))
            """
        }
        // The value as read: `optional` when it may be absent (or null) after its default.
        let optional: Bool
        let expression: String
        if request.required {
            optional = request.field.type.isOptional
            expression = decode("decode", optional ? "\(decoded)?" : decoded)
        } else if let value = limits.defaultValue, !isDate {
            optional = false
            expression = "\(decode("decodeIfPresent", decoded)) ?? \(value)"
        } else {
            optional = true
            expression = decode("decodeIfPresent", decoded)
        }
        guard isDate || limits.length != nil || limits.range != nil || limits.clamp != nil else {
            return "        self.\(member) = try \(expression)"
        }
        var lines = ["        let \(read) = try \(expression)"]
        // Checks on the value (unwrapped when optional).
        var checks: [String] = []
        let indent = optional ? "            " : "        "
        if isDate {
            checks.append(
                """
                \(indent)guard let \(local) = try? Date(\(read), strategy: .iso8601) else {
                \(invalid("must be an ISO 8601 date and time, such as 2026-01-31T09:30:00Z", indent: indent + "    "))
                \(indent)}
                """)
        }
        if let length = limits.length {
            let measure = length.unit == "bytes" ? "\(local).utf8.count" : "\(local).count"
            let (condition, words): (String, String) =
                switch (length.minimum, length.maximum) {
                case (let minimum?, let maximum?):
                    ("(\(minimum)...\(maximum)).contains(\(measure))", "\(minimum)…\(maximum)")
                case (let minimum?, nil): ("\(measure) >= \(minimum)", "at least \(minimum)")
                case (nil, let maximum?): ("\(measure) <= \(maximum)", "at most \(maximum)")
                case (nil, nil): ("true", "")
                }
            checks.append(
                """
                \(indent)guard \(condition) else {
                \(invalid("must be \(words) \(length.unit)", indent: indent + "    "))
                \(indent)}
                """)
        }
        if let range = limits.range {
            let (condition, words): (String, String) =
                switch (range.minimum, range.maximum) {
                case (let minimum?, let maximum?):
                    ("(\(minimum)...\(maximum)).contains(\(local))", "\(minimum)…\(maximum)")
                case (let minimum?, nil): ("\(local) >= \(minimum)", "at least \(minimum)")
                case (nil, let maximum?): ("\(local) <= \(maximum)", "at most \(maximum)")
                case (nil, nil): ("true", "")
                }
            checks.append(
                """
                \(indent)guard \(condition) else {
                \(invalid("must be \(words)", indent: indent + "    "))
                \(indent)}
                """)
        }
        let clamp = limits.clamp.map { "min(max(\(local), \($0.minimum!)), \($0.maximum!))" }
        if optional {
            if checks.isEmpty && clamp == nil {
                lines.append("        self.\(member) = \(local)")
            } else {
                lines.append(
                    """
                            if let \(read) {
                    \(checks.map { $0 + "\n" }.joined())            self.\(member) = \(clamp ?? local)
                            } else {
                                self.\(member) = nil
                            }
                    """)
            }
        } else {
            lines += checks
            lines.append("        self.\(member) = \(clamp ?? local)")
        }
        return lines.joined(separator: "\n")
    }

    /// `public init(…) { self.… = … }`, or `public init() {}`.
    private func memberwise(_ parameters: [String], _ assignments: [String]) -> String {
        guard !parameters.isEmpty else { return "    public init() {}" }
        return """
                public init(\(parameters.joined(separator: ", "))) {
            \(assignments.joined(separator: "\n"))
                }
            """
    }

    /// A worker's result: what its status shows once completed, or its call answers.
    func result(_ worker: WorkerPlan) -> GeneratedFile {
        let type = resultType(worker)
        let properties = worker.result.map { "    public var \(SwiftNames.member($0.name)): \(swiftType($0.type))" }
        let parameters = worker.result.map { "\(SwiftNames.member($0.name)): \(swiftType($0.type))" }
        let assignments = worker.result.map {
            "        self.\(SwiftNames.member($0.name)) = \(SwiftNames.member($0.name))"
        }
        let defaults = worker.result.map { "\(SwiftNames.member($0.name)): \(defaultValue($0.type))" }
        let contents = """
            \(header("the result of the worker \(worker.name)"))import Foundation

            /// The result of the worker \(worker.name) (\(position(worker.resultPosition))).
            public struct \(type): Codable, Sendable, Hashable {
            \(properties.isEmpty ? "" : properties.joined(separator: "\n") + "\n\n")\(memberwise(parameters, assignments))

                /// Every field at its default: what the placeholder logic returns.
                public static let placeholder = \(type)(\(defaults.joined(separator: ", ")))
            }

            """
        return GeneratedFile(
            path: "\(sources)/Utilities/\(type).swift", fileClass: .generated, stage: .utilities,
            contents: contents.replacingOccurrences(of: "\n\n\n", with: "\n\n"))
    }
}
