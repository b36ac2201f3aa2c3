import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import SwitchyardModel

/// How a provider client reaches its server: timeouts and retries.
public struct TransportOptions: Sendable {
    /// The retry rules. Default: the SDKs' (2 retries, 0.5 s × 2ⁿ up to 8 s, 25 % jitter).
    public var retry: RetryPolicy
    /// The longest one attempt may take. Default 60 s.
    public var requestTimeout: Duration
    /// The longest a call may take, retries and waits included. Default 120 s.
    public var overallTimeout: Duration
    /// The largest response body read. Default 8 MiB.
    public var maxResponseBytes: Int

    public init(
        retry: RetryPolicy = .init(), requestTimeout: Duration = .seconds(60), overallTimeout: Duration = .seconds(120),
        maxResponseBytes: Int = 8 << 20
    ) {
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.overallTimeout = overallTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// An attempt that got an HTTP error response: the error, and what the server said about
/// retrying.
struct HTTPErrorResponse: Error {
    var error: LLMError
    var shouldRetry: String?
    var retryAfter: Duration?
}

/// The part every provider client shares: POST a JSON body, retry by ``RetryPolicy`` on the
/// injected clock, bound each attempt and the whole call, and account for tokens and cost.
///
/// Every failure it logs or throws has the API key blotted out, even when a server echoes
/// the key back in its error message.
struct ModelHTTP<C: Clock>: Sendable where C.Duration == Duration {
    let provider: String
    /// The key sent, to blot out of what servers say back.
    let secret: APIKey?
    let http: HTTPClient
    let options: TransportOptions
    let clock: C
    let logger: Logger
    let random: @Sendable () -> Double

    init(
        provider: String, model: String, secret: APIKey?, http: HTTPClient, options: TransportOptions, clock: C,
        logger: Logger, random: @escaping @Sendable () -> Double
    ) {
        var logger = logger
        logger[metadataKey: "llm.provider"] = "\(provider)"
        logger[metadataKey: "llm.model"] = "\(model)"
        self.provider = provider
        self.secret = secret.flatMap { $0.secret.isEmpty ? nil : $0 }
        self.http = http
        self.options = options
        self.clock = clock
        self.logger = logger
        self.random = random
    }

    /// One model call: POSTs the JSON `body` with `headers` (plus content type and accept),
    /// reads the reply whole (`parseJSON`) or streamed (`readStream`), and accounts for it.
    func complete(
        url: String,
        headers: HTTPHeaders,
        body: Data,
        streaming: Bool,
        model: String,
        decodeError: @escaping @Sendable (Int, Data, String?) -> LLMError,
        parseJSON: @escaping @Sendable (Data) throws -> ModelReply,
        readStream: @escaping @Sendable (HTTPClientResponse, ModelHTTP) async throws -> ModelReply
    ) async throws -> ModelReply {
        var headers = headers
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "accept", value: streaming ? "text/event-stream" : "application/json")
        let reply = try await post(url: url, headers: headers, body: body, decodeError: decodeError) {
            [self] response in
            streaming ? try await readStream(response, self) : try parseJSON(try await collect(response))
        }
        return account(reply, model: reply.model ?? model)
    }

    /// POSTs `body` to `url` and hands a 2xx response to `read`; an error status is decoded
    /// by `decodeError(status, body, requestID)`. Retries what the policy says to.
    private func post<Result: Sendable>(
        url: String,
        headers: HTTPHeaders,
        body: Data,
        decodeError: @escaping @Sendable (Int, Data, String?) -> LLMError,
        read: @escaping @Sendable (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        let deadline = clock.now.advanced(by: options.overallTimeout)
        var retries = 0
        while true {
            let remaining = clock.now.duration(to: deadline)
            var failure: HTTPErrorResponse
            do {
                guard remaining > .zero else { throw TimeoutError(timeout: options.overallTimeout) }
                return try await withTimeout(min(options.requestTimeout, remaining), clock: clock) {
                    try await attempt(url: url, headers: headers, body: body, decodeError: decodeError, read: read)
                }
            } catch let response as HTTPErrorResponse {
                failure = response
            } catch let error as LLMError {
                failure = HTTPErrorResponse(error: error)
            } catch let timeout as TimeoutError {
                // An attempt is cut short by whichever limit is nearer; say which one it was.
                let limit =
                    timeout.timeout < options.requestTimeout
                    ? "the overall timeout (\(options.overallTimeout), retries included)"
                    : "the request timeout (\(options.requestTimeout))"
                failure = HTTPErrorResponse(
                    error: LLMError(.timeout, provider: provider, message: "no answer within \(limit)"))
            } catch let error as CancellationError {
                throw error
            } catch {
                failure = HTTPErrorResponse(error: LLMError(.transport, provider: provider, message: "\(error)"))
            }
            let error = redacted(failure.error)
            guard options.retry.shouldRetry(error, retriesSoFar: retries, shouldRetryHeader: failure.shouldRetry)
            else {
                Counter(
                    label: "switchyard_llm_requests_total",
                    dimensions: [("provider", provider), ("outcome", error.kind.rawValue)]
                )
                .increment()
                throw error
            }
            let wait = options.retry.backoff(retry: retries, retryAfter: failure.retryAfter, random: random())
            guard clock.now.advanced(by: wait) < deadline else { throw error }
            logger.notice(
                "model call failed; retrying",
                metadata: [
                    "llm.provider": "\(provider)", "llm.error": "\(error.kind)", "llm.retry": "\(retries + 1)",
                    "llm.backoff": "\(wait)",
                ])
            try await clock.sleep(for: wait)
            retries += 1
        }
    }

    private func attempt<Result: Sendable>(
        url: String,
        headers: HTTPHeaders,
        body: Data,
        decodeError: @Sendable (Int, Data, String?) -> LLMError,
        read: @Sendable (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        // The clock-driven timeout above is what bounds the call; this one only keeps a
        // connection from outliving it if cancellation is not seen.
        let seconds = Int64((options.requestTimeout.components.seconds) + 1)
        let response = try await http.execute(request, timeout: .seconds(seconds))
        let status = Int(response.status.code)
        let requestID = response.headers.first(name: "request-id") ?? response.headers.first(name: "x-request-id")
        guard (200..<300).contains(status) else {
            let bytes = try await response.body.collect(upTo: options.maxResponseBytes)
            throw HTTPErrorResponse(
                error: decodeError(status, redacted(Data(bytes.readableBytesView)), requestID),
                shouldRetry: response.headers.first(name: "x-should-retry"),
                retryAfter: RetryPolicy.retryAfter(
                    milliseconds: response.headers.first(name: "retry-after-ms"),
                    value: response.headers.first(name: "retry-after"))
            )
        }
        Counter(label: "switchyard_llm_requests_total", dimensions: [("provider", provider), ("outcome", "ok")])
            .increment()
        do {
            return try await read(response)
        } catch var error as LLMError {
            // An error after 200 (in the stream, or as the body) belongs to this request too.
            error.requestID = error.requestID ?? requestID
            throw error
        }
    }

    /// An error body with the key blotted out, before it is decoded (and shortened).
    private func redacted(_ body: Data) -> Data {
        guard let secret = secret?.secret, body.range(of: Data(secret.utf8)) != nil else { return body }
        return Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: secret, with: "<redacted>").utf8)
    }

    /// `error` with the key blotted out of everything a server or a transport said.
    private func redacted(_ error: LLMError) -> LLMError {
        guard let secret = secret?.secret else { return error }
        var error = error
        error.message = error.message.replacingOccurrences(of: secret, with: "<redacted>")
        error.providerType = error.providerType?.replacingOccurrences(of: secret, with: "<redacted>")
        return error
    }

    /// Records a reply's tokens and cost as metrics and returns it with its cost filled in.
    private func account(_ reply: ModelReply, model: String) -> ModelReply {
        var reply = reply
        guard let usage = reply.usage else { return reply }
        Counter(label: "switchyard_llm_tokens_total", dimensions: [("model", model), ("kind", "input")])
            .increment(by: Int64(usage.inputTokens))
        Counter(label: "switchyard_llm_tokens_total", dimensions: [("model", model), ("kind", "output")])
            .increment(by: Int64(usage.outputTokens))
        if let pricing = ModelPricing.forModel(model) {
            let cost = pricing.cost(of: usage)
            reply.costUSD = cost
            FloatingPointCounter(label: "switchyard_llm_cost_usd_total", dimensions: [("model", model)]).increment(
                by: cost)
        }
        return reply
    }

    /// Reads a body whole, as the provider's JSON.
    private func collect(_ response: HTTPClientResponse) async throws -> Data {
        do {
            return Data(try await response.body.collect(upTo: options.maxResponseBytes).readableBytesView)
        } catch let error as NIOTooManyBytesError {
            throw LLMError(
                .malformedResponse, provider: provider, message: "response larger than \(error.maxBytes ?? 0) bytes")
        }
    }

    /// Feeds a streamed body to an SSE parser, handing each event to `handle`; returns
    /// whether the stream ended cleanly (no partial event left).
    func events(
        of response: HTTPClientResponse, _ handle: (ServerSentEvent) throws -> Void
    ) async throws -> Bool {
        var parser = ServerSentEventParser()
        for try await chunk in response.body {
            for event in parser.feed(chunk.readableBytesView) { try handle(event) }
        }
        return !parser.hasPartialEvent
    }
}

extension JSONDecoder {
    /// Decodes provider JSON, reporting failure as a malformed response.
    static func decodeProvider<T: Decodable>(_ type: T.Type, from data: Data, provider: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            let preview = String(decoding: data.prefix(120), as: UTF8.self)
            throw LLMError(.malformedResponse, provider: provider, message: "not the expected JSON: \(preview)")
        }
    }
}
