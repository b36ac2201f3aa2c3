import Foundation
import Logging
import ServiceLifecycle
import SwitchyardAgents
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Testing

@testable import KitchenDemo

/// The kitchen against the fake LLM server over loopback HTTP, one fault class per tick.
@Suite struct KitchenAgainstFakeLLMTests {
    static let faults: [FakeLLMServer.Fault] = [
        .rateLimited, .overloaded, .serverError, .authentication, .malformedJSON, .truncatedStream,
        .streamErrorAfter200, .closeMidBody,
    ]

    @Test func everyTickGetsOneObservationPerAgentAndADirectiveMarkedModelOrFallback() async throws {
        // Odd ticks: the pricing advisor's call fails and the coordinator's succeeds; even
        // ticks the other way round. Requests come in that order within a tick: the advisor
        // answers the service report, the coordinator asks once the window closes.
        var steps: [FakeLLMServer.Step] = []
        for (index, fault) in Self.faults.enumerated() {
            let echo = FakeLLMServer.Step.respond(FakeLLMServer.echoFirstJSON)
            steps += index % 2 == 0 ? [.fault(fault), echo] : [echo, .fault(fault)]
        }
        let server = FakeLLMServer(steps: steps)
        let clock = MockClock()
        try await server.withRunning { baseURL in
            let model = AnthropicModel(
                configuration: .init(
                    apiKey: APIKey("fake"), baseURL: baseURL, streaming: true,
                    transport: .init(retry: .none)),
                clock: clock)
            try await KitchenAppTests().runKitchen(
                model: model, ticks: Self.faults.count, clock: clock,
                check: { tick, directive, _ in
                    let advisorFailed = tick % 2 == 1
                    #expect(directive.source == (advisorFailed ? .model : .fallback), "tick \(tick)")
                    #expect(directive.heardFrom == ["demand_forecaster", "pricing_advisor", "stock_watcher"])
                    #expect(directive.observationSources["pricing_advisor"] == (advisorFailed ? .fallback : .model))
                    #expect(directive.observationSources["stock_watcher"] == .logic)
                },
                observed: { tick, observations in
                    #expect(observations.allSatisfy { $0.triggerID == TriggerID(tick) }, "tick \(tick)")
                    #expect(
                        observations.map(\.agent).sorted() == ["demand_forecaster", "pricing_advisor", "stock_watcher"])
                })
        }
        #expect(server.requests.count == 2 * Self.faults.count)
    }
}
