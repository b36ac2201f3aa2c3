import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

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
