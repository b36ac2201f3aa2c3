import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

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
