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

/// The whole kitchen tree on a mock clock: ticks are driven by the test, never by sleeping.
@Suite struct KitchenAppTests {
    let interval = Duration.seconds(1)

    func runKitchen(
        model: (any LanguageModel)?, ticks: Int,
        clock: MockClock = MockClock(),
        check: (Int, Directive<KitchenDecision>, KitchenState) -> Void,
        observed: (Int, [Observation<KitchenSignal>]) -> Void = { _, _ in }
    ) async throws {
        let app = KitchenApp(
            configuration: .init(interval: interval, ticks: nil), model: model, clock: clock,
            logger: Logger(label: "kitchen-test"))
        let directives = app.bus.subscribe(KitchenTopics.directives)
        let observations = app.bus.subscribe(KitchenTopics.observations)
        let changes = app.bus.subscribe(KitchenTopics.stateChanged)
        let tree = try app.supervisor()
        let group = ServiceGroup(services: [tree], logger: Logger(label: "kitchen-test"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { tree.startLog.count == tree.children.count })
            // Before the first tick nothing but the ticker sleeps on the clock. Its deadlines
            // are absolute (start + n × interval), so once it has started, each advance by an
            // interval releases exactly one tick.
            #expect(await clock.nextSleepScheduled() == .init(offset: interval))
            var directiveIterator = directives.makeAsyncIterator()
            var changeIterator = changes.makeAsyncIterator()
            var observationIterator = observations.makeAsyncIterator()
            for tick in 1...ticks {
                clock.advance(by: interval)
                let directive = try #require(await directiveIterator.next())
                #expect(directive.triggerID == TriggerID(tick))
                // Two state changes per tick: the service, then the directive carried out.
                _ = await changeIterator.next()
                let applied = try #require(await changeIterator.next())
                check(tick, directive, applied.state)
                // The window closed on the third observation, so all three are in already.
                var ofTick: [Observation<KitchenSignal>] = []
                for _ in 0..<3 { if let observation = await observationIterator.next() { ofTick.append(observation) } }
                observed(tick, ofTick)
            }
            #expect(observations.bufferedCount == 0)
            await group.triggerGracefulShutdown()
        }
    }

    @Test func withoutAModelEveryDirectiveComesFromTheRulesAndHearsEveryAgent() async throws {
        var restocked = 0
        try await runKitchen(model: nil, ticks: 6) { _, directive, state in
            #expect(directive.source == .fallback)
            #expect(directive.fallbackReason?.kind == .noModel)
            #expect(directive.heardFrom == ["demand_forecaster", "pricing_advisor", "stock_watcher"])
            #expect(directive.closeReason == .allReported)
            restocked += directive.decision.restock.count
            for (dish, price) in state.prices { #expect(price > 0, "\(dish)") }
        }
        #expect(restocked > 0)
    }

    /// The lines `swift run switchyard demo` prints without a model; the README's sample is
    /// tick 2's. Deterministic: guest demand depends only on the tick and the prices.
    @Test func theDemoPrintsTheREADMEsLines() async throws {
        var lines: [String] = []
        try await runKitchen(model: nil, ticks: 4) { _, directive, _ in lines.append(directive.summary) }
        let heard = "heard: demand_forecaster, pricing_advisor (fallback), stock_watcher"
        #expect(
            lines == [
                "tick 1  fallback  \(heard)  price caesar +5%",
                "tick 2  fallback  \(heard)  restock egg+36 guanciale+15 mozzarella+20  price margherita +5% tiramisu -5%",
                "tick 3  fallback  \(heard)  restock dough+20 mascarpone+12  price caesar +5% carbonara -5%",
                "tick 4  fallback  \(heard)  restock mascarpone+12 tomato+20  price caesar -5% margherita +5% tiramisu +5%",
            ])
    }

    @Test func aSilentModelLeavesTimeForThePricingFallbackAndTheDirectiveFollowsPromptly() async throws {
        let clock = MockClock()
        let model = ScriptedModel(otherwise: .hang)
        let start = Duration.seconds(10)
        let app = KitchenApp(
            configuration: .init(interval: start, ticks: nil), model: model, clock: clock,
            logger: Logger(label: "kitchen-test"))
        // The advisor's fallback must reach the coordinator while the window is open.
        let timeout = app.configuration.modelTimeout
        try #require(timeout < app.configuration.window)
        let directives = app.bus.subscribe(KitchenTopics.directives)
        let tree = try app.supervisor()
        let group = ServiceGroup(services: [tree], logger: Logger(label: "kitchen-test"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { tree.startLog.count == tree.children.count })
            await clock.advanceWhenSleeping(until: .init(offset: start))
            // The advisor asks the silent model; its timeout ends before the window does.
            await model.nextCall()
            await clock.advanceWhenSleeping(until: .init(offset: start + timeout))
            // Its fallback completes the window; the coordinator's own call is bounded too.
            await model.nextCall()
            await clock.advanceWhenSleeping(until: .init(offset: start + timeout * 2))
            let directive = try #require(await directives.first(1).first)
            #expect(directive.heardFrom == ["demand_forecaster", "pricing_advisor", "stock_watcher"])
            #expect(directive.observationSources["pricing_advisor"] == .fallback)
            #expect(directive.closeReason == .allReported)
            #expect(directive.source == .fallback)
            #expect(directive.fallbackReason?.kind == .timeout)
            await group.triggerGracefulShutdown()
        }
    }

    @Test func theDemoEndsWithTheErrorWhenItsSupervisorFails() async throws {
        let logger = Logger(label: "kitchen-test")
        let app = KitchenApp(model: nil, clock: MockClock(), logger: logger)
        let tree = try Supervisor(
            "kitchen", children: [ChildSpec("broken", stage: .state) { Broken() }], options: .init(maxRestarts: 0),
            clock: MockClock(), logger: logger)
        // Bounded: before, the demo kept waiting for directives after the tree had failed.
        await #expect(throws: SupervisorError.self) {
            try await withTimeout(.seconds(60), clock: ContinuousClock()) {
                _ = try await KitchenRun.run(app, tree: tree, signals: [], logger: logger) { _ in }
            }
        }
    }

    @Test func aModelDrivesPricingAndTheDirective() async throws {
        let model = ScriptedModel(
            otherwise: .respond { request in
                if request.system?.contains("price") == true { return #"{"changes": {"caesar": 7}}"# }
                return #"{"restock": {"egg": 12}, "priceChanges": {"caesar": 7}, "offMenu": [], "backOnMenu": []}"#
            })
        var caesar = KitchenState.opening.prices["caesar"]!
        try await runKitchen(model: model, ticks: 3) { _, directive, state in
            #expect(directive.source == .model)
            #expect(directive.decision.priceChanges == ["caesar": 7])
            caesar = Int((Double(caesar) * 1.07 / 10).rounded()) * 10
            #expect(state.prices["caesar"] == caesar)
        }
        #expect(model.requests.count == 6)
    }
}

/// A child that fails as soon as it runs.
struct Broken: Service {
    struct Failure: Error {}
    func run() async throws { throw Failure() }
}
