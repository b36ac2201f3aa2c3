// The errors of the model layer: a failed model call (`LLMError`) and a timeout (`TimeoutError`).

/// A failed model call, with a stable kind for deciding what to do next.
///
/// Its description names the provider, the kind, the HTTP status and the provider's own
/// message (shortened); never the API key, the prompt or the request body.
public struct LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        /// 401: the key is missing or wrong. Never retried.
        case authentication
        /// 403: the key may not do this. Never retried.
        case permission
        /// 400, 404, 413, 422: the request is wrong. Never retried.
        case invalidRequest = "invalid_request"
        /// 429: too many requests. Retried (honouring `retry-after`).
        case rateLimited = "rate_limited"
        /// 529, or an `overloaded_error`: the provider is overloaded. Retried.
        case overloaded
        /// 408, 409 or another 5xx. Retried.
        case server
        /// No answer within the per-request or overall timeout.
        case timeout
        /// The connection failed or closed early.
        case transport
        /// The response was not the protocol's JSON.
        case malformedResponse = "malformed_response"
        /// A stream ended before its final event.
        case truncatedStream = "truncated_stream"
        /// An `error` event inside a stream that began with HTTP 200.
        case streamError = "stream_error"
        /// The reply was not the JSON asked for (structured output).
        case unparsableOutput = "unparsable_output"
        /// No provider or key is configured.
        case notConfigured = "not_configured"

        public var description: String { rawValue }
    }

    public var kind: Kind
    /// Which provider answered (`anthropic`, `openai`).
    public var provider: String
    /// The HTTP status, when there was one.
    public var status: Int?
    /// The provider's error type, such as `overloaded_error`.
    public var providerType: String?
    /// The provider's message, at most 300 characters.
    public var message: String
    /// The provider's request id (`request-id` / `x-request-id`), for support tickets.
    public var requestID: String?
    /// Where in the code the error was made (`#fileID`); not part of equality.
    public var file: String
    /// The line in ``file``.
    public var line: Int

    public init(
        _ kind: Kind, provider: String, status: Int? = nil, providerType: String? = nil, message: String,
        requestID: String? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.file = file
        self.line = line
        self.kind = kind
        self.provider = provider
        self.status = status
        self.providerType = providerType
        self.message = message.count > 300 ? String(message.prefix(300)) + "…" : message
        self.requestID = requestID
    }

    /// Whether the SDKs' rules retry this failure (absent an `x-should-retry` header).
    public var isRetryable: Bool {
        [.rateLimited, .overloaded, .server, .timeout, .transport].contains(kind)
    }

    public var description: String {
        var text = "\(provider) \(kind)"
        if let status { text += " (HTTP \(status))" }
        if let providerType { text += " \(providerType)" }
        if !message.isEmpty { text += ": \(message)" }
        if let requestID { text += " [request \(requestID)]" }
        return text
    }

    public static func == (lhs: LLMError, rhs: LLMError) -> Bool {
        lhs.kind == rhs.kind && lhs.provider == rhs.provider && lhs.status == rhs.status
            && lhs.providerType == rhs.providerType && lhs.message == rhs.message && lhs.requestID == rhs.requestID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(provider)
        hasher.combine(status)
        hasher.combine(message)
    }

    /// The kind for an HTTP error status.
    public static func kind(forStatus status: Int, providerType: String? = nil) -> Kind {
        if providerType == "overloaded_error" { return .overloaded }
        switch status {
        case 401: return .authentication
        case 403: return .permission
        case 408, 409: return .server
        case 429: return .rateLimited
        case 529: return .overloaded
        case 500...: return .server
        default: return .invalidRequest
        }
    }
}

/// Thrown by ``withTimeout(_:clock:operation:)`` when the operation did not finish in time.
public struct TimeoutError: Error, Hashable, CustomStringConvertible {
    /// The limit that was exceeded.
    public var timeout: Duration

    public init(timeout: Duration) {
        self.timeout = timeout
    }

    public var description: String { "operation timed out after \(timeout)" }
}
