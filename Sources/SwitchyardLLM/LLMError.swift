/// A failed model call, with a stable kind for deciding what to do next.
///
/// Its description names the provider, the kind, the HTTP status and the provider's own
/// message (shortened); never the API key, the prompt or the request body.
public struct LLMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// 401: the key is missing or wrong. Never retried.
        public static let authentication = Kind("authentication")
        /// 403: the key may not do this. Never retried.
        public static let permission = Kind("permission")
        /// 400, 404, 413, 422: the request is wrong. Never retried.
        public static let invalidRequest = Kind("invalid_request")
        /// 429: too many requests. Retried (honouring `retry-after`).
        public static let rateLimited = Kind("rate_limited")
        /// 529, or an `overloaded_error`: the provider is overloaded. Retried.
        public static let overloaded = Kind("overloaded")
        /// 408, 409 or another 5xx. Retried.
        public static let server = Kind("server")
        /// No answer within the per-request or overall timeout.
        public static let timeout = Kind("timeout")
        /// The connection failed or closed early.
        public static let transport = Kind("transport")
        /// The response was not the protocol's JSON.
        public static let malformedResponse = Kind("malformed_response")
        /// A stream ended before its final event.
        public static let truncatedStream = Kind("truncated_stream")
        /// An `error` event inside a stream that began with HTTP 200.
        public static let streamError = Kind("stream_error")
        /// The reply was not the JSON asked for (structured output).
        public static let unparsableOutput = Kind("unparsable_output")
        /// No provider or key is configured.
        public static let notConfigured = Kind("not_configured")
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

    public init(
        _ kind: Kind, provider: String, status: Int? = nil, providerType: String? = nil, message: String,
        requestID: String? = nil
    ) {
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

/// An API key: its description, debug description and dump are redacted, so it cannot
/// leak into logs or errors by accident.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key itself, for the one header that needs it.
    public let secret: String

    public init(_ secret: String) { self.secret = secret }

    public var description: String { "APIKey(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["secret": "<redacted>"]) }
}
