/// A language model: one request in, one reply out.
///
/// Agents, coordinators and workers talk to models only through this protocol, so a
/// scripted model (``SwitchyardTesting``), a fake HTTP server or a real provider can be
/// swapped without touching them. Implementations must be safe to call concurrently.
public protocol LanguageModel: Sendable {
    /// A short, secret-free name for logs and metrics, such as `"anthropic:claude-3-5-haiku-20241022"`.
    var name: String { get }

    /// Sends one request and returns the model's reply.
    ///
    /// Implementations throw on transport failure, on an error reply and on cancellation.
    /// Callers bound the call with their own timeout (see ``withTimeout(_:clock:operation:)``).
    func complete(_ request: ModelRequest) async throws -> ModelReply
}

/// One request to a language model.
public struct ModelRequest: Sendable, Hashable, Codable {
    /// The model to use; `nil` lets the client pick its configured default.
    public var model: String?
    /// The system prompt, if any.
    public var system: String?
    /// The conversation so far; the last message is normally the user's.
    public var messages: [ChatMessage]
    /// The most tokens the reply may hold. Default 512.
    public var maxTokens: Int
    /// Sampling temperature; `nil` uses the provider's default.
    public var temperature: Double?
    /// Sequences at which the model stops generating.
    public var stopSequences: [String]

    /// Creates a request. Defaults: no model override, no system prompt, 512 tokens,
    /// provider-default temperature, no stop sequences.
    public init(
        model: String? = nil,
        system: String? = nil,
        messages: [ChatMessage],
        maxTokens: Int = 512,
        temperature: Double? = nil,
        stopSequences: [String] = []
    ) {
        self.model = model
        self.system = system
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stopSequences = stopSequences
    }

    /// A request with one user message.
    public static func user(_ text: String, system: String? = nil, maxTokens: Int = 512) -> ModelRequest {
        ModelRequest(system: system, messages: [ChatMessage(role: .user, content: text)], maxTokens: maxTokens)
    }
}

/// One message of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who said it.
    public enum Role: String, Sendable, Hashable, Codable {
        case user
        case assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's reply.
public struct ModelReply: Sendable, Hashable {
    /// The reply's text (all text blocks joined).
    public var text: String
    /// The model that answered, as the provider named it.
    public var model: String?
    /// Why generation stopped (`end_turn`, `max_tokens`, `stop`, ...), as the provider said.
    public var stopReason: String?
    /// Tokens used, when the provider reported them.
    public var usage: TokenUsage?
    /// What the call cost in US dollars, when the model's price is known (``ModelPricing``).
    public var costUSD: Double?

    public init(
        text: String, model: String? = nil, stopReason: String? = nil, usage: TokenUsage? = nil, costUSD: Double? = nil
    ) {
        self.text = text
        self.model = model
        self.stopReason = stopReason
        self.usage = usage
        self.costUSD = costUSD
    }
}

/// Tokens consumed by one call.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}
