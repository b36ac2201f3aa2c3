import DequeModule
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel
import Synchronization

/// A local HTTP server that speaks Anthropic's Messages API (`POST /v1/messages`) and the
/// OpenAI Chat Completions API (`POST /v1/chat/completions`) — same paths, headers, JSON
/// bodies, SSE event sequences and error envelopes — scripted per request, with faults.
///
/// Each request takes the next ``Step`` of the script (or `otherwise`). Every request is
/// recorded (``requests``) and reported as an event (``nextRequest()``), so tests wait on
/// requests instead of sleeping.
public final class FakeLLMServer: Sendable {
    /// The faults the server can inject. Each has a plain and a streamed form, chosen by the
    /// request's `stream` flag; every response that has headers carries the request id
    /// (Anthropic `request-id`, OpenAI `x-request-id`).
    public enum Fault: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Never answer (the client's timeout fires).
        case noAnswer = "no_answer"
        /// 429 with `retry-after` (``retryAfterSeconds``).
        case rateLimited = "rate_limited"
        /// Anthropic: 529 `overloaded_error`; OpenAI: 503.
        case overloaded
        /// 500.
        case serverError = "server_error"
        /// 401 with the provider's authentication error.
        case authentication
        /// 200 with a JSON body cut short; streamed, an SSE event whose JSON is cut short.
        case malformedJSON = "malformed_json"
        /// 200 with an SSE stream that ends before its final event; plain, a JSON body that ends
        /// early (the connection closes cleanly).
        case truncatedStream = "truncated_stream"
        /// 200, then an error (Anthropic `overloaded_error`; OpenAI a `server_error` object): an
        /// SSE `error` event after the first event, or plain, the error as the 200's body.
        case streamErrorAfter200 = "stream_error_after_200"
        /// 200 with a `content-length` larger than what is sent (half the JSON body, or half the
        /// SSE stream) before the connection closes.
        case closeMidBody = "close_mid_body"

        public var description: String { rawValue }
    }

    /// What one request gets.
    public enum Step: Sendable {
        /// A successful reply with this text (streamed if the request asked to stream).
        case reply(String)
        /// A fault.
        case fault(Fault)
        /// A successful reply computed from the request.
        case respond(@Sendable (RecordedRequest) -> String)
        /// This response as given: `status`, `headers` (added to `content-type:
        /// application/json` and the request id, which they may replace) and `body`. For the
        /// error envelopes of other servers and for headers such as `x-should-retry`.
        case raw(status: Int, headers: [String: String] = [:], body: String)
    }

    /// A request as the server received it.
    public struct RecordedRequest: Sendable {
        /// `anthropic` or `openai`, by path.
        public var protocolName: String
        public var path: String
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: Data

        /// The body as a JSON object (empty if it is not one).
        public var json: [String: any Sendable] {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]).mapValues {
                $0 as! (any Sendable)
            }
        }

        /// Whether the request asked to stream.
        public var isStreaming: Bool {
            (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["stream"] as? Bool ?? false
        }

        /// The text of the last message.
        public var lastMessage: String {
            let messages =
                (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["messages"] as? [[String: Any]]
            return messages?.last?["content"] as? String ?? ""
        }

        /// The system prompt (Anthropic's `system`, or OpenAI's system message).
        public var system: String? {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            if let system = object?["system"] as? String { return system }
            let messages = object?["messages"] as? [[String: Any]]
            return messages?.first { $0["role"] as? String == "system" }?["content"] as? String
        }
    }

    private struct State {
        var steps: Deque<Step>
        var requests: [RecordedRequest] = []
        var events: Deque<RecordedRequest> = []
        var waiters: Deque<CheckedContinuation<RecordedRequest, Never>> = []
        var counter = 0
        var unscripted = 0
    }

    private let state: Mutex<State>
    private let otherwise: Step
    private let faults: [Fault]
    private let faultEvery: Int
    /// The `retry-after` sent with 429s, in seconds. Default 1.
    public let retryAfterSeconds: Int

    /// - Parameters:
    ///   - steps: what the first requests get, in order.
    ///   - otherwise: what later requests get. Default: the reply `ok`.
    ///   - faults: once the steps are used up, every `faultEvery`-th request gets the next of
    ///     these faults (in turn) instead of `otherwise`.
    public init(
        steps: [Step] = [], otherwise: Step = .reply("ok"), faults: [Fault] = [], faultEvery: Int = 2,
        retryAfterSeconds: Int = 1
    ) {
        precondition(faultEvery >= 1, "Switchyard: faultEvery must be at least 1")
        self.state = Mutex(State(steps: Deque(steps)))
        self.otherwise = otherwise
        self.faults = faults
        self.faultEvery = faultEvery
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// A responder that answers with the first JSON value in the request's last message (or
    /// `ok`): agents that show the model an example of the JSON they want get it back.
    public static let echoFirstJSON: @Sendable (RecordedRequest) -> String = { request in
        firstJSONValue(in: request.lastMessage).map(String.init) ?? "ok"
    }

    /// Appends steps to the script.
    public func enqueue(_ steps: Step...) {
        state.withLock { $0.steps.append(contentsOf: steps) }
    }

    /// Every request so far, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Waits for the next request (or returns one already received and not yet awaited).
    @discardableResult
    public func nextRequest() async -> RecordedRequest {
        await withCheckedContinuation { continuation in
            let event = state.withLock { state -> RecordedRequest? in
                if let event = state.events.popFirst() { return event }
                state.waiters.append(continuation)
                return nil
            }
            if let event { continuation.resume(returning: event) }
        }
    }

    // MARK: Running

    /// Runs the server on `host:port` (port 0: any free port) until the task is cancelled
    /// or shut down gracefully; `onRunning` gets the bound port.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, logger: Logger = Logger(label: "switchyard.fake-llm"),
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let router = Router()
        router.post("/v1/messages") { request, _ in try await self.handle(request, protocolName: "anthropic") }
        router.post("/v1/chat/completions") { request, _ in try await self.handle(request, protocolName: "openai") }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "switchyard-fake-llm"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }

    /// Runs the server on a free loopback port for the duration of `body`, which gets the
    /// base URL (`http://127.0.0.1:PORT`).
    public func withRunning<Result: Sendable>(_ body: (String) async throws -> Result) async throws -> Result {
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run { port in portSink.yield(port) } }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    private func handle(_ request: Request, protocolName: String) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = Data(try await request.body.collect(upTo: 8 << 20).readableBytesView)
        let recorded = RecordedRequest(protocolName: protocolName, path: request.uri.path, headers: headers, body: body)
        let (step, waiter, number) = state.withLock { state in
            state.requests.append(recorded)
            state.counter += 1
            let waiter = state.waiters.popFirst()
            if waiter == nil { state.events.append(recorded) }
            if let step = state.steps.popFirst() { return (step, waiter, state.counter) }
            state.unscripted += 1
            if !faults.isEmpty, state.unscripted % faultEvery == 0 {
                return (.fault(faults[(state.unscripted / faultEvery - 1) % faults.count]), waiter, state.counter)
            }
            return (otherwise, waiter, state.counter)
        }
        waiter?.resume(returning: recorded)
        let wire: any FakeWire = protocolName == "anthropic" ? AnthropicWire() : OpenAIWire()
        let model = (recorded.json["model"] as? String) ?? "fake-model"
        let requestID = "req_fake_\(number)"
        switch step {
        case .reply(let text):
            return wire.success(text: text, model: model, streaming: recorded.isStreaming, requestID: requestID)
        case .respond(let respond):
            return wire.success(
                text: respond(recorded), model: model, streaming: recorded.isStreaming, requestID: requestID)
        case .fault(let fault):
            return try await respond(
                with: fault, wire: wire, model: model, streaming: recorded.isStreaming, requestID: requestID)
        case .raw(let status, let extra, let body):
            var response = wire.response(status: status, body: body, requestID: requestID)
            for (name, value) in extra {
                guard let name = HTTPField.Name(name) else {
                    preconditionFailure("Switchyard: bad header name \(name)")
                }
                response.headers[name] = value
            }
            return response
        }
    }

    private func respond(
        with fault: Fault, wire: any FakeWire, model: String, streaming: Bool, requestID: String
    ) async throws -> Response {
        switch fault {
        case .noAnswer:
            // Hold the request open until the client gives up (the server cancels it).
            let (never, hangUp) = AsyncStream<Never>.makeStream()
            await withTaskCancellationHandler {
                for await _ in never {}
            } onCancel: {
                hangUp.finish()
            }
            throw CancellationError()
        case .rateLimited:
            var response = wire.error(status: 429, kind: .rateLimited, requestID: requestID)
            response.headers[HTTPField.Name("retry-after")!] = "\(retryAfterSeconds)"
            return response
        case .overloaded:
            return wire.error(status: wire.overloadedStatus, kind: .overloaded, requestID: requestID)
        case .serverError:
            return wire.error(status: 500, kind: .serverError, requestID: requestID)
        case .authentication:
            return wire.error(status: 401, kind: .authentication, requestID: requestID)
        case .malformedJSON where streaming:
            let events = wire.events(text: "this stream holds broken JSON", model: model)
            return wire.sse([events[0], wire.malformedEvent] + events.dropFirst(), requestID: requestID)
        case .truncatedStream where streaming:
            let events = wire.events(text: "this stream is cut short", model: model)
            return wire.sse(events.dropLast(wire.finalEventCount), requestID: requestID)
        case .malformedJSON, .truncatedStream:
            let full = wire.json(text: "this reply is cut short", model: model)
            return wire.response(status: 200, body: String(full.prefix(full.count / 2)), requestID: requestID)
        case .streamErrorAfter200 where streaming:
            return wire.sse([wire.events(text: "", model: model)[0], wire.streamError()], requestID: requestID)
        case .streamErrorAfter200:
            return wire.response(status: 200, body: wire.errorAfter200, requestID: requestID)
        case .closeMidBody:
            let full =
                streaming
                ? ByteBuffer(string: wire.events(text: "this stream never arrives whole", model: model).joined())
                : ByteBuffer(string: wire.json(text: "this body never arrives whole", model: model))
            let half = full.getSlice(at: 0, length: full.readableBytes / 2)!
            var response = wire.response(
                status: 200, body: "", requestID: requestID,
                contentType: streaming ? "text/event-stream" : "application/json")
            response.body = ResponseBody(contentLength: full.readableBytes) { writer in
                try await writer.write(half)
                throw FakeConnectionDropped()
            }
            return response
        }
    }
}

/// Thrown by the fake server's body writer to drop a connection mid-body.
struct FakeConnectionDropped: Error {}
