import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

/// The retry and timeout rules every provider client shares, over the wire.
@Suite(.timeLimit(.minutes(1))) struct ModelHTTPTests {
    /// An error body both protocols read (Anthropic's envelope; OpenAI reads its `error` object).
    static let errorBody = #"{"type":"error","error":{"type":"api_error","message":"try again"}}"#

    /// Runs `complete` in a child task while `drive` moves the clock, and returns its outcome.
    func run(
        _ model: any LanguageModel, drive: @escaping @Sendable () async throws -> Void
    ) async throws -> Result<ModelReply, any Error> {
        try await withThrowingTaskGroup(of: Result<ModelReply, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await model.complete(.user("Hi"))) } catch { return .failure(error) }
            }
            group.addTask {
                try await drive()
                return nil
            }
            var result: Result<ModelReply, any Error>?
            for try await outcome in group where outcome != nil { result = outcome }
            return try #require(result)
        }
    }

    @Test(arguments: Wire.allCases)
    func xShouldRetryTrueRetriesANonRetryableStatus(_ wire: Wire) async throws {
        let server = FakeLLMServer(steps: [
            .raw(status: 400, headers: ["x-should-retry": "true"], body: Self.errorBody), .reply("second time lucky"),
        ])
        let clock = MockClock()
        let outcome = try await server.withRunning { baseURL in
            try await run(makeModel(wire, baseURL: baseURL, clock: clock)) {
                await server.nextRequest()
                await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(500)))
                await server.nextRequest()
            }
        }
        #expect(try outcome.get().text == "second time lucky")
        #expect(server.requests.count == 2)
    }

    @Test(arguments: Wire.allCases)
    func xShouldRetryFalseStopsARetryableStatus(_ wire: Wire) async throws {
        let server = FakeLLMServer(steps: [
            .raw(status: 500, headers: ["x-should-retry": "false"], body: Self.errorBody), .reply("never asked for"),
        ])
        let error = try await server.withRunning { baseURL in
            try await #require(throws: LLMError.self) {
                try await makeModel(wire, baseURL: baseURL, clock: MockClock()).complete(.user("Hi"))
            }
        }
        #expect(error.kind == .server)
        #expect(error.status == 500)
        #expect(error.isRetryable)  // retryable by status; the header alone stopped it
        #expect(server.requests.count == 1)
    }

    @Test(arguments: Wire.allCases)
    func theOverallTimeoutBoundsRetriesAndEndsInATimeout(_ wire: Wire) async throws {
        // Requests time out after 5 s, the call after 8 s: the first attempt times out at 5 s, the
        // retry waits 0.5 s, and the second attempt gets only the 2.5 s left.
        let server = FakeLLMServer(otherwise: .fault(.noAnswer))
        let clock = MockClock()
        let outcome = try await server.withRunning { baseURL in
            try await run(makeModel(wire, baseURL: baseURL, clock: clock, overallTimeout: .seconds(8))) {
                await server.nextRequest()
                await clock.advanceWhenSleeping(until: .init(offset: .seconds(5)))
                await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(5500)))
                await server.nextRequest()
                let secondAttemptEnds = await clock.nextSleepScheduled()
                try #require(secondAttemptEnds == .init(offset: .seconds(8)))  // else the call runs on: stop it
                clock.advance(to: secondAttemptEnds)
            }
        }
        let error = try #require(throws: LLMError.self) { try outcome.get() }
        #expect(error.kind == .timeout)
        #expect(error.message.contains("overall timeout"))
        #expect(server.requests.count == 2)  // a third attempt would start after the deadline
        #expect(clock.now == .init(offset: .seconds(8)))
    }

    @Test func aWaitPastTheOverallTimeoutIsNotWaited() async throws {
        // A 30 s retry-after is honoured (under 60 s) but would end past the 8 s deadline.
        let server = FakeLLMServer(steps: [.fault(.rateLimited)], retryAfterSeconds: 30)
        let clock = MockClock()
        let error = try await server.withRunning { baseURL in
            try await #require(throws: LLMError.self) {
                try await makeModel(.anthropic, baseURL: baseURL, clock: clock, overallTimeout: .seconds(8)).complete(
                    .user("Hi"))
            }
        }
        #expect(error.kind == .rateLimited)
        #expect(server.requests.count == 1)
        #expect(clock.now == .init(offset: .zero))
    }
}
