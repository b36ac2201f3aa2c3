import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

enum Wire: String, CaseIterable, Sendable {
    case anthropic, openai
}

let secret = "sk-test-DO-NOT-LEAK-1234567890"

func makeModel(
    _ wire: Wire, baseURL: String, clock: MockClock, streaming: Bool = false, retry: RetryPolicy = .init(),
    overallTimeout: Duration = .seconds(60), logger: Logger = Logger(label: "test")
) -> any LanguageModel {
    let transport = TransportOptions(retry: retry, requestTimeout: .seconds(5), overallTimeout: overallTimeout)
    switch wire {
    case .anthropic:
        return AnthropicModel(
            configuration: .init(apiKey: APIKey(secret), baseURL: baseURL, streaming: streaming, transport: transport),
            clock: clock, logger: logger, random: { 0 })
    case .openai:
        return OpenAICompatibleModel(
            configuration: .init(
                model: "gpt-4o-mini", apiKey: APIKey(secret), baseURL: baseURL + "/v1", streaming: streaming,
                transport: transport),
            clock: clock, logger: logger, random: { 0 })
    }
}

@Suite struct ProviderRequestTests {
    @Test func anthropicSendsTheMessagesAPIRequest() async throws {
        let server = FakeLLMServer(steps: [.reply("Hello!")])
        let reply = try await server.withRunning { baseURL in
            try await makeModel(.anthropic, baseURL: baseURL, clock: MockClock()).complete(
                ModelRequest(
                    system: "Be brief.", messages: [ChatMessage(role: .user, content: "Hi")], maxTokens: 64,
                    temperature: 0.2, stopSequences: ["END"]))
        }
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/messages")
        #expect(request.headers["x-api-key"] == secret)
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.json["model"] as? String == "claude-3-5-haiku-20241022")
        #expect(request.json["max_tokens"] as? Int == 64)
        #expect(request.json["system"] as? String == "Be brief.")
        #expect(request.json["temperature"] as? Double == 0.2)
        #expect(request.json["stop_sequences"] as? [String] == ["END"])
        #expect(request.lastMessage == "Hi")
        #expect(request.json["stream"] == nil)
        #expect(reply.text == "Hello!")
        #expect(reply.stopReason == "end_turn")
        #expect(reply.usage == TokenUsage(inputTokens: 12, outputTokens: 1))
        // claude-3-5-haiku: $0.80 / $4 per million tokens.
        #expect(abs((reply.costUSD ?? 0) - (12 * 0.80 + 1 * 4) / 1_000_000) < 1e-12)
    }

    @Test func openAISendsTheChatCompletionsRequest() async throws {
        let server = FakeLLMServer(steps: [.reply("Hello!")])
        let reply = try await server.withRunning { baseURL in
            try await makeModel(.openai, baseURL: baseURL, clock: MockClock()).complete(
                ModelRequest(system: "Be brief.", messages: [ChatMessage(role: .user, content: "Hi")], maxTokens: 64))
        }
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer \(secret)")
        let messages = request.json["messages"] as? [[String: Any]]
        #expect(messages?.first?["role"] as? String == "system")
        #expect(messages?.last?["content"] as? String == "Hi")
        #expect(request.json["max_tokens"] as? Int == 64)
        #expect(reply.text == "Hello!")
        #expect(reply.stopReason == "stop")
        #expect(reply.usage == TokenUsage(inputTokens: 12, outputTokens: 1))
    }

    @Test func aLocalServerNeedsNoKey() async throws {
        let server = FakeLLMServer(steps: [.reply("local")])
        let reply = try await server.withRunning { baseURL in
            try await OpenAICompatibleModel(
                configuration: .init(model: "llama3.2", baseURL: baseURL + "/v1"), clock: MockClock()
            ).complete(.user("Hi"))
        }
        #expect(reply.text == "local")
        #expect(server.requests.first?.headers["authorization"] == nil)
        #expect(reply.costUSD == nil)
    }

    @Test(arguments: Wire.allCases)
    func streamedRepliesAreAssembled(_ wire: Wire) async throws {
        let text = "A streamed reply, in pieces — with ünïcode 🌍."
        let server = FakeLLMServer(steps: [.reply(text)])
        let reply = try await server.withRunning { baseURL in
            try await makeModel(wire, baseURL: baseURL, clock: MockClock(), streaming: true).complete(.user("Hi"))
        }
        #expect(server.requests.first?.isStreaming == true)
        #expect(reply.text == text)
        #expect(reply.usage?.inputTokens == 12)
        #expect(reply.stopReason == (wire == .anthropic ? "end_turn" : "stop"))
    }
}

/// What a fault must end in.
enum Expected: Sendable {
    /// A retry after this wait, then success.
    case retriedAfter(Duration)
    /// A retry once the per-request timeout (5 s) fires, then a retry after this wait.
    case timedOutThenRetriedAfter(Duration)
    /// A typed error of this kind, with no retry.
    case fails(LLMError.Kind)
}

struct FaultCase: Sendable, CustomTestStringConvertible {
    var wire: Wire
    var fault: FakeLLMServer.Fault
    var streaming: Bool
    var expected: Expected
    var testDescription: String { "\(wire) \(fault)\(streaming ? " (streaming)" : "")" }
}

/// Every fault the fake server offers, plain and streamed, on both wires, with retries on.
let faultCases: [FaultCase] = Wire.allCases.flatMap { wire in
    [false, true].flatMap { streaming -> [FaultCase] in
        FakeLLMServer.Fault.allCases.map { fault in
            FaultCase(
                wire: wire, fault: fault, streaming: streaming,
                expected: expected(fault, wire: wire, streaming: streaming))
        }
    }
}

func expected(_ fault: FakeLLMServer.Fault, wire: Wire, streaming: Bool) -> Expected {
    switch fault {
    case .noAnswer: .timedOutThenRetriedAfter(.milliseconds(500))
    case .rateLimited: .retriedAfter(.seconds(1))  // the fake's retry-after
    case .overloaded, .serverError, .closeMidBody: .retriedAfter(.milliseconds(500))
    case .authentication: .fails(.authentication)
    case .malformedJSON: .fails(.malformedResponse)
    // Plain, a truncated reply is JSON that stops short.
    case .truncatedStream: .fails(streaming ? .truncatedStream : .malformedResponse)
    // Anthropic's `overloaded_error` is retried like a 529, streamed or not; OpenAI's error after
    // 200 is a server error when it is the whole body, a stream error once a stream has begun.
    case .streamErrorAfter200: wire == .openai && streaming ? .fails(.streamError) : .retriedAfter(.milliseconds(500))
    }
}

@Suite(.timeLimit(.minutes(1))) struct ProviderFaultTests {
    @Test(arguments: faultCases)
    func everyFaultEndsInTheDocumentedBehaviour(_ fault: FaultCase) async throws {
        let server = FakeLLMServer(steps: [.fault(fault.fault), .reply("recovered")])
        let clock = MockClock()
        try await server.withRunning { baseURL in
            let model = makeModel(fault.wire, baseURL: baseURL, clock: clock, streaming: fault.streaming)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let outcome = Mutex<Result<ModelReply, any Error>?>(nil)
                group.addTask {
                    do {
                        let reply = try await model.complete(.user("Hi"))
                        outcome.withLock { $0 = .success(reply) }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                    }
                }
                await server.nextRequest()
                switch fault.expected {
                case .retriedAfter(let wait):
                    await clock.advanceWhenSleeping(until: .init(offset: wait))
                    await server.nextRequest()
                case .timedOutThenRetriedAfter(let wait):
                    await clock.advanceWhenSleeping(until: .init(offset: .seconds(5)))
                    await clock.advanceWhenSleeping(until: .init(offset: .seconds(5) + wait))
                    await server.nextRequest()
                case .fails:
                    break
                }
                try await group.waitForAll()
                switch (fault.expected, outcome.withLock { $0 }) {
                case (.fails(let kind), .failure(let error as LLMError)?):
                    #expect(error.kind == kind)
                    #expect(error.requestID == "req_fake_1")
                    #expect(server.requests.count == 1)
                case (.retriedAfter, .success(let reply)?), (.timedOutThenRetriedAfter, .success(let reply)?):
                    #expect(reply.text == "recovered")
                    #expect(server.requests.count == 2)
                    #expect(server.requests.allSatisfy { $0.isStreaming == fault.streaming })
                case (_, let other):
                    Issue.record("unexpected outcome \(String(describing: other))")
                }
            }
        }
    }

    @Test func retriesStopAtTheLimitWithExponentialBackoff() async throws {
        let server = FakeLLMServer(otherwise: .fault(.overloaded))
        let clock = MockClock()
        try await server.withRunning { baseURL in
            let model = makeModel(.anthropic, baseURL: baseURL, clock: clock)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await #expect {
                        try await model.complete(.user("Hi"))
                    } throws: { error in
                        (error as? LLMError)?.kind == .overloaded && (error as? LLMError)?.status == 529
                            && (error as? LLMError)?.requestID == "req_fake_3"
                    }
                }
                await server.nextRequest()
                await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(500)))
                await server.nextRequest()
                await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(1500)))
                await server.nextRequest()
                try await group.waitForAll()
            }
        }
        #expect(server.requests.count == 3)
    }
}

@Suite struct SecretRedactionTests {
    @Test func keysNeverAppearInDescriptionsErrorsOrLogs() async throws {
        #expect(!"\(APIKey(secret))".contains(secret))
        #expect(!String(reflecting: APIKey(secret)).contains(secret))
        var dumped = ""
        dump(AnthropicModel<MockClock>.Configuration(apiKey: APIKey(secret)), to: &dumped)
        #expect(!dumped.contains(secret))

        let logs = CapturedLogs()
        let logger = Logger(label: "test", factory: logs.handler)
        let server = FakeLLMServer(steps: [.fault(.serverError), .fault(.authentication)])
        let clock = MockClock()
        try await server.withRunning { baseURL in
            let model = makeModel(.anthropic, baseURL: baseURL, clock: clock, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        _ = try await model.complete(.user("Hi"))
                        Issue.record("expected an authentication error")
                    } catch {
                        #expect((error as? LLMError)?.kind == .authentication)
                        #expect(!"\(error)".contains(secret))
                        #expect(!String(reflecting: error).contains(secret))
                    }
                }
                await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(500)))
                try await group.waitForAll()
            }
        }
        #expect(!logs.lines.isEmpty)
        #expect(!logs.lines.contains { $0.contains(secret) })
    }
}

extension SecretRedactionTests {
    @Test(arguments: Wire.allCases)
    func aKeyEchoedByTheServerIsBlottedOutOfErrorsAndLogs(_ wire: Wire) async throws {
        let logs = CapturedLogs()
        let logger = Logger(label: "test", factory: logs.handler)
        let echo =
            #"{"type":"error","error":{"type":"authentication_error","message":"Incorrect API key provided: \#(secret)."}}"#
        let server = FakeLLMServer(steps: [
            .raw(status: 500, body: echo.replacingOccurrences(of: "authentication_error", with: "api_error")),
            .raw(status: 401, body: echo),
            .raw(
                status: 200, headers: ["content-type": "text/event-stream"],
                body: "event: error\ndata: \(echo)\n\n"),
        ])
        let clock = MockClock()
        try await server.withRunning { baseURL in
            let plain = makeModel(wire, baseURL: baseURL, clock: clock, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let error = try await #require(throws: LLMError.self) { try await plain.complete(.user("Hi")) }
                    #expect(error.kind == .authentication)
                    #expect(error.message == "Incorrect API key provided: <redacted>.")
                    #expect(!"\(error)".contains(secret))
                }
                await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(500)))
                try await group.waitForAll()
            }
            let streamed = makeModel(
                wire, baseURL: baseURL, clock: clock, streaming: true, retry: .none, logger: logger)
            let error = try await #require(throws: LLMError.self) { try await streamed.complete(.user("Hi")) }
            #expect(error.status == 200)
            #expect(error.message.contains("<redacted>"))
            #expect(!"\(error)".contains(secret))
        }
        #expect(server.requests.count == 3)
        #expect(logs.lines.contains { $0.contains("retrying") })
        #expect(!logs.lines.contains { $0.contains(secret) })
    }
}

@Suite struct StructuredOutputAndChainTests {
    struct Verdict: Decodable, Equatable {
        var action: String
        var confidence: Double
    }

    @Test func jsonIsDecodedEvenInsideAFence() async throws {
        let model = ScriptedModel(steps: [
            .reply("Sure:\n```json\n{\"action\": \"raise {price}\", \"confidence\": 0.8}\n```")
        ])
        let verdict = try await model.completeJSON(.user("decide"), as: Verdict.self)
        #expect(verdict == Verdict(action: "raise {price}", confidence: 0.8))
        #expect(model.requests.first?.system?.contains("JSON") == true)
    }

    @Test func aReplyThatIsNotTheJSONIsItsOwnErrorClass() async throws {
        let model = ScriptedModel(steps: [.reply("I would raise prices."), .reply(#"{"action": 3}"#)])
        for _ in 0..<2 {
            await #expect {
                try await model.completeJSON(.user("decide"), as: Verdict.self)
            } throws: { ($0 as? LLMError)?.kind == .unparsableOutput }
        }
    }

    @Test func theChainMovesOnWhenOverloadedButNotWhenUnauthorized() async throws {
        let overloaded = LLMError(.overloaded, provider: "anthropic", status: 529, message: "Overloaded")
        let unauthorized = LLMError(.authentication, provider: "anthropic", status: 401, message: "invalid x-api-key")
        let first = ScriptedModel(name: "first", steps: [.fail(overloaded), .fail(unauthorized)])
        let second = ScriptedModel(name: "second", steps: [.reply("from the second model")])
        let chain = FallbackChainModel([first, second])
        #expect(try await chain.complete(.user("a")).text == "from the second model")
        await #expect { try await chain.complete(.user("b")) } throws: { ($0 as? LLMError)?.kind == .authentication }
        #expect(second.requests.count == 1)
        #expect(chain.name == "first → second")
    }
}
