import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import SwitchyardModel

/// An OpenAI-compatible Chat Completions server (`POST {baseURL}/chat/completions`) as a
/// ``LanguageModel``: OpenAI itself, or a local Ollama, llama.cpp or vLLM server.
///
/// Sends `Authorization: Bearer` when a key is set; reads `choices`, `finish_reason` and
/// `usage`; streams `data:` chunks up to `[DONE]`. Tolerates the known error variants:
/// `{"error":{"message":...,"type":...,"code":...}}` with a string or numeric `code`, vLLM's
/// flat `{"object":"error","message":...}`, and Ollama's `{"error":"..."}`.
public struct OpenAICompatibleModel<C: Clock>: LanguageModel where C.Duration == Duration {
    public struct Configuration: Sendable {
        /// Up to and including the version segment, as in the OpenAI SDK. Default
        /// `https://api.openai.com/v1`; Ollama: `http://localhost:11434/v1`.
        public var baseURL: String
        /// The key, or `nil` for local servers that take none.
        public var apiKey: APIKey?
        public var model: String
        /// Whether to stream the reply. Default `false`.
        public var streaming: Bool
        public var transport: TransportOptions

        public init(
            model: String, apiKey: APIKey? = nil, baseURL: String = "https://api.openai.com/v1",
            streaming: Bool = false,
            transport: TransportOptions = .init()
        ) {
            self.model = model
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.streaming = streaming
            self.transport = transport
        }
    }

    public let configuration: Configuration
    private let http: ModelHTTP<C>

    public var name: String { "openai:\(configuration.model)" }

    public init(
        configuration: Configuration, httpClient: HTTPClient = .shared, clock: C,
        logger: Logger = Logger(label: "switchyard.llm"),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.http = ModelHTTP(
            provider: "openai", model: configuration.model, secret: configuration.apiKey, http: httpClient,
            options: configuration.transport, clock: clock, logger: logger, random: random)
    }

    public func complete(_ request: ModelRequest) async throws -> ModelReply {
        let model = request.model ?? configuration.model
        var messages: [ChatRequest.Message] = []
        if let system = request.system { messages.append(.init(role: "system", content: system)) }
        messages += request.messages.map { .init(role: $0.role.rawValue, content: $0.content) }
        let body = try JSONEncoder().encode(
            ChatRequest(
                model: model, messages: messages, max_tokens: request.maxTokens, temperature: request.temperature,
                stop: request.stopSequences.isEmpty ? nil : request.stopSequences,
                stream: configuration.streaming ? true : nil,
                stream_options: configuration.streaming ? .init(include_usage: true) : nil))
        var headers = HTTPHeaders()
        if let key = configuration.apiKey { headers.add(name: "authorization", value: "Bearer \(key.secret)") }
        return try await http.complete(
            url: configuration.baseURL.trimmingTrailingSlash + "/chat/completions", headers: headers, body: body,
            streaming: configuration.streaming, model: model,
            decodeError: { Self.error(status: $0, body: $1, requestID: $2) },
            parseJSON: { try Self.reply(from: $0) },
            readStream: { try await Self.readStream($0, http: $1) })
    }

    // MARK: Wire format

    struct ChatRequest: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        struct StreamOptions: Encodable {
            var include_usage: Bool
        }
        var model: String
        var messages: [Message]
        var max_tokens: Int
        var temperature: Double?
        var stop: [String]?
        var stream: Bool?
        var stream_options: StreamOptions?
    }

    struct Usage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }

    struct ChatResponse: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
            }
            var message: Message?
            var delta: Message?
            var finish_reason: String?
        }
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
        var error: ErrorDetail?
    }

    /// `code` may be a string, a number or null across servers.
    struct FlexibleCode: Decodable {
        var text: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let number = try? container.decode(Int.self) {
                text = String(number)
            } else {
                text = nil
            }
        }
    }

    struct ErrorDetail: Decodable {
        var message: String?
        var type: String?
        var code: FlexibleCode?
    }

    /// Every known error shape: nested object, flat `object: "error"`, or a bare string.
    struct ErrorBody: Decodable {
        var detail: ErrorDetail?

        enum Keys: String, CodingKey { case error, object, message, type, code }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let nested = try? container.decode(ErrorDetail.self, forKey: .error) {
                detail = nested
            } else if let text = try? container.decode(String.self, forKey: .error) {
                detail = ErrorDetail(message: text, type: nil, code: nil)
            } else if (try? container.decode(String.self, forKey: .object)) == "error" {
                detail = ErrorDetail(
                    message: try? container.decode(String.self, forKey: .message),
                    type: try? container.decode(String.self, forKey: .type),
                    code: try? container.decode(FlexibleCode.self, forKey: .code))
            }
        }
    }

    static func reply(from data: Data) throws -> ModelReply {
        let response = try JSONDecoder.decodeProvider(ChatResponse.self, from: data, provider: "openai")
        if let error = response.error {
            throw LLMError(
                .server, provider: "openai", status: 200, providerType: error.type, message: error.message ?? "")
        }
        guard let choice = response.choices?.first else {
            throw LLMError(.malformedResponse, provider: "openai", status: 200, message: "the response has no choices")
        }
        return ModelReply(
            text: choice.message?.content ?? "", model: response.model, stopReason: choice.finish_reason,
            usage: response.usage.map {
                TokenUsage(inputTokens: $0.prompt_tokens ?? 0, outputTokens: $0.completion_tokens ?? 0)
            })
    }

    static func error(status: Int, body: Data, requestID: String?) -> LLMError {
        let detail = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.detail
        let type = detail?.type ?? detail?.code?.text
        var kind = LLMError.kind(forStatus: status)
        if status == 503 || type == "overloaded_error" { kind = .overloaded }
        return LLMError(
            kind, provider: "openai", status: status, providerType: type,
            message: detail?.message ?? String(decoding: body.prefix(200), as: UTF8.self), requestID: requestID)
    }

    /// Assembles a streamed reply; a stream without `[DONE]` is truncated, an error chunk a
    /// stream error.
    static func readStream(_ response: HTTPClientResponse, http: ModelHTTP<C>) async throws -> ModelReply {
        var text = ""
        var model: String?
        var finish: String?
        var usage: TokenUsage?
        var done = false
        _ = try await http.events(of: response) { event in
            guard !done else { return }
            if event.data == "[DONE]" {
                done = true
                return
            }
            let chunk = try JSONDecoder.decodeProvider(
                ChatResponse.self, from: Data(event.data.utf8), provider: "openai")
            if let error = chunk.error {
                throw LLMError(
                    .streamError, provider: "openai", status: 200, providerType: error.type,
                    message: error.message ?? "")
            }
            model = chunk.model ?? model
            if let choice = chunk.choices?.first {
                text += choice.delta?.content ?? ""
                finish = choice.finish_reason ?? finish
            }
            if let u = chunk.usage {
                usage = TokenUsage(inputTokens: u.prompt_tokens ?? 0, outputTokens: u.completion_tokens ?? 0)
            }
        }
        guard done else {
            throw LLMError(.truncatedStream, provider: "openai", status: 200, message: "the stream ended before [DONE]")
        }
        return ModelReply(text: text, model: model, stopReason: finish, usage: usage)
    }
}

extension OpenAICompatibleModel where C == ContinuousClock {
    public init(
        configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "switchyard.llm")
    ) {
        self.init(configuration: configuration, httpClient: httpClient, clock: ContinuousClock(), logger: logger)
    }
}
