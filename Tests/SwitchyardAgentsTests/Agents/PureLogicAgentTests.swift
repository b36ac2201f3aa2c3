import Logging
import ServiceLifecycle
import SwitchyardModel
import SwitchyardTesting
import Testing

@testable import SwitchyardAgents

@Suite struct PureLogicAgentTests {
    @Test func observesEachTriggerOnceWithoutAModel() async throws {
        let bus = PubSub()
        let triggers = Topic<Trigger>("test:trigger")
        let observations = Topic<Observation<Int>>.agentObservations(domain: "test")
        let seen = bus.subscribe(observations)
        let agent = PureLogicAgentService(
            Doubler(name: "doubler"), trigger: triggers, observations: observations, bus: bus)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await bus.run() }
            group.addTask { try await agent.run() }
            for n in 1...5 { await bus.broadcast(Trigger(n: n), on: triggers) }
            let received = await seen.first(5)
            #expect(received.map(\.value) == [2, 4, 6, 8, 10])
            #expect(received.allSatisfy { $0.source == .logic && $0.agent == "doubler" })
            #expect(received.map(\.triggerID) == [1, 2, 3, 4, 5])
            group.cancelAll()
        }
    }
}
