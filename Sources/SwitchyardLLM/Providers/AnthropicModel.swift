import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import SwitchyardModel

/// Anthropic's Messages API (`POST /v1/messages`), as a ``LanguageModel``.
///
/// Sends `x-api-key` and `anthropic-version`; maps `model`, `max_tokens`, `system`,
/// `messages`, `temperature` and `stop_sequences`; reads the content blocks, `stop_reason`
/// and `usage`; decodes the `{"type":"error","error":{...}}` envelope into ``LLMError`` (also
/// when it comes with HTTP 200).
/// With ``Configuration/streaming`` it reads the SSE stream (`message_start`,
/// `content_block_delta`, ..., `message_stop`, `ping`, and an `error` event after HTTP 200).
public struct AnthropicModel<C: Clock>: LanguageModel where C.Duration == Duration {
    public struct Configuration: Sendable {
        /// Default `https://api.anthropic.com`.
        public var baseURL: String
        public var apiKey: APIKey
        /// Default `claude-3-5-haiku-20241022`: fast and cheap, for agents that must answer within a window.
        public var model: String
        /// The `anthropic-version` header. Default `2023-06-01`.
        public var version: String
        /// Whether to stream the reply (SSE). Default `false`.
        public var streaming: Bool
        public var transport: TransportOptions

        public init(
            apiKey: APIKey, model: String = "claude-3-5-haiku-20241022", baseURL: String = "https://api.anthropic.com",
            version: String = "2023-06-01", streaming: Bool = false, transport: TransportOptions = .init()
        ) {
            self.apiKey = apiKey
            self.model = model
            self.baseURL = baseURL
            self.version = version
            self.streaming = streaming
            self.transport = transport
        }
    }

    public let configuration: Configuration
    private let http: ModelHTTP<C>

    public var name: String { "anthropic:\(configuration.model)" }

    /// - Parameter random: the jitter source, `0..<1` (tests inject a fixed one).
    public init(
        configuration: Configuration, httpClient: HTTPClient = .shared, clock: C,
        logger: Logger = Logger(label: "switchyard.llm"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.http = ModelHTTP(
            provider: "anthropic", model: configuration.model, secret: configuration.apiKey, http: httpClient,
            options: configuration.transport, clock: clock, logger: logger, random: random)
    }

    public func complete(_ request: ModelRequest) async throws -> ModelReply {
        let model = request.model ?? configuration.model
        let body = try JSONEncoder().encode(
            MessagesRequest(
                model: model, max_tokens: request.maxTokens, system: request.system,
                messages: request.messages.map { .init(role: $0.role.rawValue, content: $0.content) },
                temperature: request.temperature,
                stop_sequences: request.stopSequences.isEmpty ? nil : request.stopSequences,
                stream: configuration.streaming ? true : nil))
        var headers = HTTPHeaders()
        headers.add(name: "x-api-key", value: configuration.apiKey.secret)
        headers.add(name: "anthropic-version", value: configuration.version)
        return try await http.complete(
            url: configuration.baseURL.trimmingTrailingSlash + "/v1/messages", headers: headers, body: body,
            streaming: configuration.streaming, model: model,
            decodeError: { Self.error(status: $0, body: $1, requestID: $2) },
            parseJSON: { try Self.reply(from: $0) },
            readStream: { try await Self.readStream($0, http: $1) })
    }

    // MARK: Wire format

    struct MessagesRequest: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        var model: String
        var max_tokens: Int
        var system: String?
        var messages: [Message]
        var temperature: Double?
        var stop_sequences: [String]?
        var stream: Bool?
    }

    struct Usage: Decodable {
        var input_tokens: Int?
        var output_tokens: Int?
    }

    struct MessagesResponse: Decodable {
        struct Block: Decodable {
            var type: String
            var text: String?
        }
        var model: String?
        var content: [Block]
        var stop_reason: String?
        var usage: Usage?
    }

    struct ErrorEnvelope: Decodable {
        struct Detail: Decodable {
            var type: String
            var message: String?
        }
        var error: Detail
    }

    static func reply(from data: Data) throws -> ModelReply {
        let response: MessagesResponse
        do {
            response = try JSONDecoder.decodeProvider(MessagesResponse.self, from: data, provider: "anthropic")
        } catch {
            // A 200 whose body is the error envelope (as a gateway may send it) is that error.
            guard let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: data) else { throw error }
            let type = envelope.error.type
            throw LLMError(
                type == "overloaded_error" ? .overloaded : .server, provider: "anthropic", status: 200,
                providerType: type,
                message: envelope.error.message ?? "")
        }
        return ModelReply(
            text: response.content.compactMap { $0.type == "text" ? $0.text : nil }.joined(),
            model: response.model, stopReason: response.stop_reason,
            usage: response.usage.map {
                TokenUsage(inputTokens: $0.input_tokens ?? 0, outputTokens: $0.output_tokens ?? 0)
            })
    }

    static func error(status: Int, body: Data, requestID: String?) -> LLMError {
        guard let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: body) else {
            return LLMError(
                LLMError.kind(forStatus: status), provider: "anthropic", status: status,
                message: String(decoding: body.prefix(200), as: UTF8.self), requestID: requestID)
        }
        return LLMError(
            LLMError.kind(forStatus: status, providerType: envelope.error.type), provider: "anthropic", status: status,
            providerType: envelope.error.type, message: envelope.error.message ?? "", requestID: requestID)
    }

    struct StreamEvent: Decodable {
        struct Delta: Decodable {
            var type: String?
            var text: String?
            var stop_reason: String?
        }
        struct Message: Decodable {
            var model: String?
            var usage: Usage?
        }
        var type: String
        var message: Message?
        var delta: Delta?
        var usage: Usage?
        var error: ErrorEnvelope.Detail?
    }

    /// Assembles a streamed reply; a missing `message_stop` is a truncated stream, an `error`
    /// event a stream error.
    static func readStream(_ response: HTTPClientResponse, http: ModelHTTP<C>) async throws -> ModelReply {
        var text = ""
        var model: String?
        var stopReason: String?
        var input = 0
        var output = 0
        var stopped = false
        _ = try await http.events(of: response) { event in
            guard !stopped else { return }
            let decoded = try JSONDecoder.decodeProvider(
                StreamEvent.self, from: Data(event.data.utf8), provider: "anthropic")
            switch decoded.type {
            case "message_start":
                model = decoded.message?.model
                input = decoded.message?.usage?.input_tokens ?? 0
                output = decoded.message?.usage?.output_tokens ?? 0
            case "content_block_delta":
                if decoded.delta?.type == "text_delta", let piece = decoded.delta?.text { text += piece }
            case "message_delta":
                stopReason = decoded.delta?.stop_reason ?? stopReason
                output = decoded.usage?.output_tokens ?? output
            case "message_stop":
                stopped = true
            case "error":
                let type = decoded.error?.type
                throw LLMError(
                    type == "overloaded_error" ? .overloaded : .streamError, provider: "anthropic", status: 200,
                    providerType: type, message: decoded.error?.message ?? "")
            default:
                break  // ping, content_block_start, content_block_stop
            }
        }
        guard stopped else {
            throw LLMError(
                .truncatedStream, provider: "anthropic", status: 200, message: "the stream ended before message_stop")
        }
        return ModelReply(
            text: text, model: model, stopReason: stopReason,
            usage: TokenUsage(inputTokens: input, outputTokens: output))
    }
}

extension AnthropicModel where C == ContinuousClock {
    public init(
        configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "switchyard.llm")
    ) {
        self.init(configuration: configuration, httpClient: httpClient, clock: ContinuousClock(), logger: logger)
    }
}

extension String {
    var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
