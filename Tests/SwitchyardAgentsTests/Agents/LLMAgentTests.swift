import Logging
import ServiceLifecycle
import SwitchyardModel
import SwitchyardTesting
import Testing

@testable import SwitchyardAgents

@Suite struct LLMAgentTests {
    let triggers = Topic<Trigger>("test:trigger")
    let observations = Topic<Observation<Int>>.agentObservations(domain: "test")

    /// Runs an LLM agent on a mock clock for the duration of `body`.
    func withAgent(
        model: (any LanguageModel)?,
        options: LLMAgentOptions = .init(timeout: .seconds(2)),
        _ body: (PubSub, MockClock, Subscription<Observation<Int>>, LLMAgentService<NumberAgent, MockClock>)
            async throws -> Void
    ) async throws {
        let bus = PubSub()
        let clock = MockClock()
        let seen = bus.subscribe(observations)
        let agent = LLMAgentService(
            NumberAgent(), model: model, trigger: triggers, observations: observations, bus: bus, options: options,
            clock: clock)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await agent.run() }
            try await body(bus, clock, seen, agent)
            group.cancelAll()
        }
    }

    @Test func aParsedReplyIsAModelObservation() async throws {
        let model = ScriptedModel(steps: [.reply("42")])
        try await withAgent(model: model) { bus, _, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            let observation = try #require(await seen.first(1).first)
            #expect(observation.agent == "numbers")
            #expect(observation.triggerID == 1)
            #expect(observation.source == .model)
            #expect(observation.value == 42)
            #expect(observation.fallbackReason == nil)
            #expect(model.requests.first?.messages.first?.content == "number for 1?")
        }
    }

    @Test func timeoutPublishesTheFallbackOnce() async throws {
        let model = ScriptedModel(steps: [.hang, .reply("2")])
        try await withAgent(model: model) { bus, clock, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await model.nextCall()
            let deadline = await clock.nextSleepScheduled()
            #expect(deadline == .init(offset: .seconds(2)))
            clock.advance(by: .seconds(2))
            // The next trigger's observation follows directly: exactly one for trigger 1.
            await bus.broadcast(Trigger(n: 2), on: triggers)
            let received = await seen.first(2)
            #expect(received.map(\.triggerID) == [1, 2])
            #expect(received[0].source == .fallback)
            #expect(received[0].fallbackReason?.kind == .timeout)
            #expect(received[0].value == -1)
            #expect(received[1].source == .model)
        }
    }

    @Test func aThrownErrorPublishesTheFallbackOnce() async throws {
        let model = ScriptedModel(steps: [.fail(Boom()), .reply("2")])
        try await withAgent(model: model) { bus, _, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await model.nextCall()
            await bus.broadcast(Trigger(n: 2), on: triggers)
            let received = await seen.first(2)
            let byTrigger = Dictionary(grouping: received, by: \.triggerID)
            #expect(byTrigger[1]?.count == 1)
            #expect(byTrigger[1]?.first?.source == .fallback)
            #expect(byTrigger[1]?.first?.fallbackReason == FallbackReason(.modelError, detail: "boom"))
            #expect(byTrigger[2]?.first?.value == 2)
        }
    }

    @Test func anUnparsableReplyPublishesTheFallbackOnce() async throws {
        let model = ScriptedModel(steps: [.reply("forty-two"), .reply("2")])
        try await withAgent(model: model) { bus, _, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await model.nextCall()
            await bus.broadcast(Trigger(n: 2), on: triggers)
            let received = await seen.first(2)
            let byTrigger = Dictionary(grouping: received, by: \.triggerID)
            #expect(byTrigger[1]?.count == 1)
            #expect(byTrigger[1]?.first?.fallbackReason?.kind == .unparsableReply)
            #expect(byTrigger[1]?.first?.value == -1)
            #expect(byTrigger[2]?.first?.source == .model)
        }
    }

    @Test func anUnreachableModelIsLoggedOnceUntilItAnswersAgain() async throws {
        let logs = CapturedLogs()
        let bus = PubSub()
        let seen = bus.subscribe(observations)
        let model = ScriptedModel(steps: [.fail(Boom()), .fail(Boom()), .reply("3")])
        let agent = LLMAgentService(
            NumberAgent(), model: model, trigger: triggers, observations: observations, bus: bus, clock: MockClock(),
            logger: Logger(label: "test", factory: logs.handler))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await agent.run() }
            var iterator = seen.makeAsyncIterator()
            for n in 1...3 {
                await bus.broadcast(Trigger(n: n), on: triggers)
                _ = await iterator.next()
            }
            group.cancelAll()
        }
        #expect(logs.messages(at: .warning).count == 1)
        #expect(logs.messages(at: .warning).first?.contains("unreachable") == true)
        #expect(logs.messages(at: .notice) == ["the model answers again"])
    }

    @Test func withoutAModelEveryTriggerGetsTheFallback() async throws {
        try await withAgent(model: nil) { bus, _, seen, _ in
            for n in 1...3 { await bus.broadcast(Trigger(n: n), on: triggers) }
            let received = await seen.first(3)
            #expect(received.map(\.triggerID) == [1, 2, 3])
            #expect(received.allSatisfy { $0.source == .fallback && $0.fallbackReason?.kind == .noModel })
            #expect(received.map(\.value) == [-1, -2, -3])
        }
    }

    @Test func aSlowModelDoesNotBlockTheNextTrigger() async throws {
        let gate = ScriptedModel.Gate()
        let model = ScriptedModel(steps: [.gated(gate, then: .reply("1")), .reply("2")])
        try await withAgent(model: model) { bus, _, seen, agent in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await model.nextCall()
            await bus.broadcast(Trigger(n: 2), on: triggers)
            var iterator = seen.makeAsyncIterator()
            // Trigger 2 is answered while trigger 1's call is still in flight.
            let second = await iterator.next()
            #expect(second?.triggerID == 2)
            #expect(second?.source == .model)
            #expect(agent.callsInFlight == 1)
            gate.open()
            let first = await iterator.next()
            #expect(first?.triggerID == 1)
            #expect(first?.value == 1)
            #expect(first?.source == .model)
        }
    }

    @Test func beyondMaxInFlightTheFallbackAnswersAtOnce() async throws {
        let gate = ScriptedModel.Gate()
        let model = ScriptedModel(steps: [.gated(gate, then: .reply("1"))])
        try await withAgent(model: model, options: .init(timeout: .seconds(2), maxInFlight: 1)) { bus, _, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await model.nextCall()
            await bus.broadcast(Trigger(n: 2), on: triggers)
            var iterator = seen.makeAsyncIterator()
            let busy = await iterator.next()
            #expect(busy?.triggerID == 2)
            #expect(busy?.fallbackReason?.kind == .busy)
            gate.open()
            #expect(await iterator.next()?.triggerID == 1)
            #expect(model.requests.count == 1)
        }
    }

    @Test func gracefulShutdownWaitsForCallsInFlight() async throws {
        let bus = PubSub()
        let gate = ScriptedModel.Gate()
        let model = ScriptedModel(steps: [.gated(gate, then: .reply("7"))])
        let seen = bus.subscribe(observations)
        let agent = LLMAgentService(
            NumberAgent(), model: model, trigger: triggers, observations: observations, bus: bus, clock: MockClock())
        let group = ServiceGroup(services: [agent], logger: .init(label: "test"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await model.nextCall()
            await group.triggerGracefulShutdown()
            gate.open()
            let observation = await seen.first(1).first
            #expect(observation?.value == 7)
        }
    }
}
