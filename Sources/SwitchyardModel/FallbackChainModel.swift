/// Tries models in turn, moving on by error class.
///
/// The first model gets the request as it is; later ones get it without its `model`
/// override, so each answers with the model it was configured with.
///
/// For example: overloaded or rate-limited → a second model; an authentication error → no
/// second try at all, so the caller's rule-based fallback answers at once.
public struct FallbackChainModel: LanguageModel {
    /// The error kinds that move the call on to the next model. Default: overloaded, rate
    /// limited, server error, timeout, transport failure, truncated stream. Authentication,
    /// permission and invalid requests never move on: another model would fail the same way.
    public static let defaultSwitchKinds: Set<LLMError.Kind> = [
        .overloaded, .rateLimited, .server, .timeout, .transport, .truncatedStream, .streamError,
    ]

    public let models: [any LanguageModel]
    public let switchOn: Set<LLMError.Kind>

    /// - Precondition: at least one model.
    public init(_ models: [any LanguageModel], switchOn: Set<LLMError.Kind> = Self.defaultSwitchKinds) {
        precondition(!models.isEmpty, "Switchyard: a fallback chain needs at least one model")
        self.models = models
        self.switchOn = switchOn
    }

    public var name: String { models.map(\.name).joined(separator: " → ") }

    public func complete(_ request: ModelRequest) async throws -> ModelReply {
        var lastError: (any Error)?
        for (index, model) in models.enumerated() {
            var request = request
            if index > 0 { request.model = nil }
            do {
                return try await model.complete(request)
            } catch let error as LLMError where switchOn.contains(error.kind) {
                lastError = error
            }
        }
        throw lastError!
    }
}
