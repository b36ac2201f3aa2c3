/// Plan names as Swift names: `min_temp` → `minTemp`, `frost_guard` → `FrostGuard`,
/// `greenhouse-climate` → `GreenhouseClimate`; keywords escaped with backticks.
enum SwiftNames {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "as", "false", "is", "nil", "self", "super", "throws", "true", "try", "await", "async",
        "any", "some", "Self", "Type",
    ]

    static func words(_ name: String) -> [String] {
        name.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " || $0 == ":" }).map(String.init)
    }

    /// `frost_guard` → `FrostGuard`.
    static func type(_ name: String) -> String {
        words(name).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `min_temp` → `minTemp`, escaped if a keyword.
    static func member(_ name: String) -> String {
        let parts = words(name)
        guard let first = parts.first else { return name }
        let joined = first + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return keywords.contains(joined) ? "`\(joined)`" : joined
    }

    /// A plan type in Swift; `State` (the whole state, in a Multi-Agent plan) as `stateType`.
    static func swiftType(_ type: PlanType, stateType: String = "State") -> String {
        switch type {
        case .named("State"): stateType
        case .named(let name): name
        case .optional(let wrapped): "\(swiftType(wrapped, stateType: stateType))?"
        case .array(let element): "[\(swiftType(element, stateType: stateType))]"
        case .dictionary(let value): "[String: \(swiftType(value, stateType: stateType))]"
        case .stringSet: "Set<String>"
        }
    }

    /// A placeholder value of a plan type, as Swift: what a default-initialized field holds.
    static func defaultValue(_ type: PlanType, stateType: String = "State") -> String {
        switch type {
        case .named("Int"), .named("UInt64"), .named("Double"): "0"
        case .named("Bool"): "false"
        case .named("String"): "\"\""
        case .named("Date"): "Date(timeIntervalSince1970: 0)"
        case .named("Duration"): ".zero"
        case .named("State"): "\(stateType)()"
        case .named(let name): "\(name).placeholder"
        case .optional: "nil"
        case .array, .stringSet: "[]"
        case .dictionary: "[:]"
        }
    }

    /// Type names a generated type must not take: Swift's and Foundation's common ones, and the
    /// public types of the modules generated code imports (`SwitchyardAgents`, `SwitchyardModel`,
    /// `SwitchyardPlaceholder`; a test keeps the list in step with their sources).
    static let reservedTypeNames: Set<String> = [
        "Any", "Array", "Bool", "Character", "Codable", "Data", "Date", "Decimal", "Decodable", "Dictionary",
        "Double", "Duration", "Encodable", "Equatable", "Error", "Float", "Hashable", "Int", "Logger", "Never",
        "Optional", "Result", "Sendable", "Service", "ServiceGroup", "Set", "String", "Substring", "Task", "UInt64",
        "URL", "UUID", "Void", "ChatMessage", "ChildSpec", "CollectedWindow", "Coordinator", "CoordinatorLogic",
        "CoordinatorOptions", "Directive", "DirectiveSource", "FallbackChainModel", "FallbackReason", "LLMAgent",
        "LLMAgentOptions", "LLMAgentService", "LLMError", "LanguageModel", "ModelReply", "ModelRequest",
        "NoDecisionParser", "Observation", "ObservationSource", "OverflowPolicy", "Placeholder", "PubSub",
        "PureLogicAgent", "PureLogicAgentService", "RestartStrategy", "RestartType", "StateChange", "StateStore",
        "StateStoreAlreadyRunning", "StateUpdateService", "SubscriberID", "Subscription", "SubscriptionHandle",
        "SubscriptionOptions", "SupervisionStage", "Supervisor", "SupervisorError", "SupervisorOptions", "Tick",
        "Ticker", "TimeoutError", "TokenUsage", "Topic", "TriggerID", "TriggerMessage", "WindowCloseReason",
    ]
}
