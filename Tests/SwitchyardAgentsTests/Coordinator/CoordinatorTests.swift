import Logging
import SwitchyardModel
import SwitchyardTesting
import Testing

@testable import SwitchyardAgents

/// Sums the values it heard; asks the model for a word when `usesModel`.
struct SumLogic: CoordinatorLogic {
    var expectedAgents: Set<String> = ["a", "b"]
    var usesModel = false

    func prompt(for window: CollectedWindow<Trigger, Int>) -> ModelRequest? {
        usesModel ? .user("decide for \(window.triggerID)") : nil
    }

    func parse(_ reply: ModelReply, for window: CollectedWindow<Trigger, Int>) throws -> String {
        guard reply.text.hasPrefix("decision:") else { throw NumberAgent.Unparsable() }
        return reply.text
    }

    func fallbackDecision(for window: CollectedWindow<Trigger, Int>) -> String {
        "sum=\(window.observations.values.map(\.value).reduce(0, +))"
    }
}

@Suite struct CoordinatorTests {
    let triggers = Topic<Trigger>("test:trigger")
    let observations = Topic<Observation<Int>>.agentObservations(domain: "test")
    let directives = Topic<Directive<String>>.coordinatorDirectives(domain: "test")

    func observation(_ agent: String, _ trigger: Int, _ value: Int) -> Observation<Int> {
        Observation(agent: agent, triggerID: TriggerID(trigger), source: .logic, value: value)
    }

    func withCoordinator(
        _ logic: SumLogic = SumLogic(),
        model: (any LanguageModel)? = nil,
        _ body: (PubSub, MockClock, Subscription<Directive<String>>, Coordinator<SumLogic, MockClock>) async throws ->
            Void
    ) async throws {
        let bus = PubSub()
        let clock = MockClock()
        let seen = bus.subscribe(directives)
        let coordinator = Coordinator(
            logic, model: model, trigger: triggers, observations: observations, directives: directives, bus: bus,
            options: .init(window: .milliseconds(800), modelTimeout: .seconds(5)), clock: clock)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await coordinator.run() }
            try await body(bus, clock, seen, coordinator)
            group.cancelAll()
        }
    }

    @Test func theWindowClosesAtTheDeadlineWithWhatItHeard() async throws {
        try await withCoordinator { bus, clock, seen, coordinator in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await bus.broadcast(observation("a", 1, 5), on: observations)
            let deadline = await clock.nextSleepScheduled()
            #expect(deadline == .init(offset: .milliseconds(800)))
            #expect(await eventually { coordinator.stats.windowsOpened == 1 })
            clock.advance(by: .milliseconds(799))
            #expect(seen.bufferedCount == 0)
            clock.advance(by: .milliseconds(1))
            let directive = try #require(await seen.first(1).first)
            #expect(directive.triggerID == 1)
            #expect(directive.closeReason == .deadline)
            #expect(directive.heardFrom == ["a"])
            #expect(directive.missing == ["b"])
            #expect(directive.source == .fallback)
            #expect(directive.fallbackReason?.kind == .noModel)
            #expect(coordinator.stats.closedAtDeadline == 1)
        }
    }

    @Test func theWindowClosesEarlyWhenEveryAgentReported() async throws {
        try await withCoordinator { bus, clock, seen, coordinator in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await bus.broadcast(observation("a", 1, 5), on: observations)
            await bus.broadcast(observation("b", 1, 7), on: observations)
            // No time passes: the window closes on the last expected observation.
            let directive = try #require(await seen.first(1).first)
            #expect(directive.closeReason == .allReported)
            #expect(directive.heardFrom == ["a", "b"])
            #expect(directive.missing == [])
            #expect(directive.decision == "sum=12")
            #expect(clock.now == .init(offset: .zero))
            #expect(coordinator.stats.closedEarly == 1)
        }
    }

    @Test func aLateObservationIsCountedAndChangesNothing() async throws {
        try await withCoordinator { bus, clock, seen, coordinator in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await bus.broadcast(observation("a", 1, 5), on: observations)
            await clock.nextSleepScheduled()
            clock.advance(by: .milliseconds(800))
            var directives = seen.makeAsyncIterator()
            let first = try #require(await directives.next())
            #expect(first.decision == "sum=5")
            await bus.broadcast(observation("b", 1, 100), on: observations)
            #expect(await eventually { coordinator.stats.lateObservations == 1 })
            // The next directive is trigger 2's: the late one reopened nothing.
            await bus.broadcast(Trigger(n: 2), on: triggers)
            await bus.broadcast(observation("a", 2, 1), on: observations)
            await bus.broadcast(observation("b", 2, 2), on: observations)
            let second = try #require(await directives.next())
            #expect(second.triggerID == 2)
            #expect(second.decision == "sum=3")
            #expect(coordinator.stats.windowsOpened == 2)
        }
    }

    @Test func overlappingWindowsKeepTheirObservationsApart() async throws {
        try await withCoordinator { bus, _, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await bus.broadcast(Trigger(n: 2), on: triggers)
            await bus.broadcast(observation("a", 2, 20), on: observations)
            await bus.broadcast(observation("a", 1, 10), on: observations)
            await bus.broadcast(observation("b", 2, 22), on: observations)
            await bus.broadcast(observation("b", 1, 11), on: observations)
            let received = await seen.first(2)
            let decisions = Dictionary(uniqueKeysWithValues: received.map { ($0.triggerID, $0.decision) })
            #expect(decisions == [1: "sum=21", 2: "sum=42"])
        }
    }

    @Test func aModelDecisionIsMarkedAsSuch() async throws {
        let model = ScriptedModel(steps: [.reply("decision: raise prices")])
        try await withCoordinator(SumLogic(usesModel: true), model: model) { bus, _, seen, _ in
            await bus.broadcast(Trigger(n: 1), on: triggers)
            await bus.broadcast(observation("a", 1, 1), on: observations)
            await bus.broadcast(observation("b", 1, 2), on: observations)
            let directive = try #require(await seen.first(1).first)
            #expect(directive.source == .model)
            #expect(directive.decision == "decision: raise prices")
            #expect(model.requests.first?.messages.first?.content == "decide for 1")
        }
    }

    @Test func aFailingModelFallsBackToRules() async throws {
        let model = ScriptedModel(steps: [.fail(Boom()), .reply("no idea"), .hang])
        try await withCoordinator(SumLogic(usesModel: true), model: model) { bus, clock, seen, _ in
            var directives = seen.makeAsyncIterator()
            for n in 1...2 {
                await bus.broadcast(Trigger(n: n), on: triggers)
                await bus.broadcast(observation("a", n, n), on: observations)
                await bus.broadcast(observation("b", n, n), on: observations)
                let directive = try #require(await directives.next())
                #expect(directive.source == .fallback)
                #expect(directive.decision == "sum=\(2 * n)")
                #expect(directive.fallbackReason?.kind == (n == 1 ? .modelError : .unparsableReply))
            }
            await bus.broadcast(Trigger(n: 3), on: triggers)
            await bus.broadcast(observation("a", 3, 3), on: observations)
            await bus.broadcast(observation("b", 3, 3), on: observations)
            await model.nextCall()
            await model.nextCall()
            await model.nextCall()
            // Window timers and model timeouts share the clock; move past the model timeout.
            while clock.sleeperCount < 2 { await clock.nextSleepScheduled() }
            clock.advance(by: .seconds(5))
            let timedOut = try #require(await directives.next())
            #expect(timedOut.triggerID == 3)
            #expect(timedOut.fallbackReason?.kind == .timeout)
        }
    }

    @Test func directivesArePublishedInTriggerOrderWhateverTheDecisionTakes() async throws {
        // Trigger 1's model call hangs until its timeout; trigger 2's answers at once.
        let model = ScriptedModel(
            otherwise: .respond { request in
                if request.messages.first?.content == "decide for 1" {
                    _ = try await ScriptedModel(steps: [.hang]).complete(request)
                }
                return "decision: two"
            })
        try await withCoordinator(SumLogic(usesModel: true), model: model) { bus, clock, seen, _ in
            for n in 1...2 {
                await bus.broadcast(Trigger(n: n), on: triggers)
                await bus.broadcast(observation("a", n, n), on: observations)
                await bus.broadcast(observation("b", n, n), on: observations)
            }
            await model.nextCall()
            await model.nextCall()
            // Trigger 2's directive is decided but held back behind trigger 1's, which comes
            // when its model call times out (the model timeout bounds the wait).
            await clock.advanceWhenSleeping(until: .init(offset: .seconds(5)))
            let received = await seen.first(2)
            #expect(received.map(\.triggerID) == [1, 2])
            #expect(received.map(\.source) == [.fallback, .model])
            #expect(received.first?.fallbackReason?.kind == .timeout)
        }
    }

    @Test func theModelTimeoutDefaultsToTheWindow() {
        #expect(CoordinatorOptions(window: .milliseconds(300)).modelTimeout == .milliseconds(300))
    }

    @Test func observationsWhoseTriggerNeverArrivesDecideNothing() async throws {
        try await withCoordinator { bus, clock, seen, coordinator in
            await bus.broadcast(observation("a", 7, 1), on: observations)
            await bus.broadcast(observation("b", 7, 2), on: observations)
            #expect(await eventually { coordinator.stats.windowsOpened == 1 })
            await clock.advanceWhenSleeping(until: .init(offset: .milliseconds(800)))
            #expect(await eventually { coordinator.stats.orphaned == 1 })
            await bus.broadcast(Trigger(n: 8), on: triggers)
            await bus.broadcast(observation("a", 8, 1), on: observations)
            await bus.broadcast(observation("b", 8, 1), on: observations)
            let directive = try #require(await seen.first(1).first)
            #expect(directive.triggerID == 8)
        }
    }

    @Test func anUnreachableModelIsLoggedWhenItStartsFailingAndWhenItRecovers() async throws {
        let logs = CapturedLogs()
        let bus = PubSub()
        let model = ScriptedModel(steps: [.fail(Boom()), .fail(Boom()), .reply("decision: back")])
        let seen = bus.subscribe(directives)
        let coordinator = Coordinator(
            SumLogic(usesModel: true), model: model, trigger: triggers, observations: observations,
            directives: directives, bus: bus, clock: MockClock(), logger: Logger(label: "test", factory: logs.handler))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await coordinator.run() }
            var iterator = seen.makeAsyncIterator()
            for n in 1...3 {
                await bus.broadcast(Trigger(n: n), on: triggers)
                await bus.broadcast(observation("a", n, n), on: observations)
                await bus.broadcast(observation("b", n, n), on: observations)
                _ = await iterator.next()
            }
            group.cancelAll()
        }
        #expect(logs.messages(at: .warning).count == 1)
        #expect(logs.messages(at: .warning).first?.contains("unreachable") == true)
        #expect(logs.messages(at: .notice) == ["the model answers again"])
    }

    @Test func gracefulShutdownClosesOpenWindows() async throws {
        let bus = PubSub()
        let seen = bus.subscribe(directives)
        let coordinator = Coordinator(
            SumLogic(), model: nil, trigger: triggers, observations: observations, directives: directives, bus: bus,
            clock: MockClock())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await coordinator.run() }
            await bus.broadcast(Trigger(n: 9), on: triggers)
            await bus.broadcast(observation("a", 9, 4), on: observations)
            #expect(await eventually { coordinator.stats.windowsOpened == 1 })
            group.cancelAll()
        }
        let directive = try #require(await seen.first(1).first)
        #expect(directive.closeReason == .shutdown)
        #expect(directive.decision == "sum=4")
    }
}
