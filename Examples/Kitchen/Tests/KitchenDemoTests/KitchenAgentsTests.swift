import SwitchyardAgents
import SwitchyardModel
import Testing

@testable import KitchenDemo

func report(tick: UInt64 = 1, served: [String: Int] = [:], missed: [String: Int] = [:], state: KitchenState = .opening)
    -> ServiceReport
{
    ServiceReport(tick: tick, served: served, missed: missed, state: state)
}

@Suite struct KitchenAgentsTests {
    @Test func stockWatcherOrdersWhatWillNotLastTheNextService() {
        var state = KitchenState.opening
        state.stock["guanciale"] = 3  // carbonara uses 1 per serving; 5 were cooked
        state.stock["mascarpone"] = 2  // below the floor
        let signal = StockWatcher().observe(report(served: ["carbonara": 5], state: state))
        #expect(signal == .restock(["guanciale": 15, "mascarpone": 12]))
    }

    @Test func demandForecasterNamesHotAndColdDishes() {
        var forecaster = DemandForecaster()
        let signal = forecaster.observe(
            report(served: ["margherita": 6, "carbonara": 2, "caesar": 0, "tiramisu": 4], missed: ["margherita": 4]))
        // margherita turned guests away; caesar's average fell to 1.5 of 3; carbonara's to 3.5 of 5.
        #expect(signal == .demand(hot: ["margherita"], cold: ["caesar"]))
    }

    @Test func pricingAdvisorParsesValidAdviceAndRejectsTheRest() throws {
        let advisor = PricingAdvisor()
        let r = report()
        #expect(try advisor.parse(ModelReply(text: #"{"changes": {"caesar": 7}}"#), for: r) == .pricing(["caesar": 7]))
        #expect(throws: PricingAdvisor.InvalidAdvice.self) {
            try advisor.parse(ModelReply(text: #"{"changes": {"caesar": 40}}"#), for: r)
        }
        #expect(throws: PricingAdvisor.InvalidAdvice.self) {
            try advisor.parse(ModelReply(text: #"{"changes": {"sushi": 5}}"#), for: r)
        }
        #expect(throws: (any Error).self) { try advisor.parse(ModelReply(text: "raise caesar"), for: r) }
    }

    @Test func pricingFallbackRaisesWhatIsWantedAndCutsWhatIsNot() {
        let signal = PricingAdvisor().fallback(
            for: report(
                served: ["margherita": 6, "carbonara": 5, "caesar": 1, "tiramisu": 4], missed: ["carbonara": 1]),
            reason: FallbackReason(.noModel))
        #expect(signal == .pricing(["carbonara": 5, "caesar": -5]))
    }

    @Test func promptNamesEveryDishAndLeavesTheModelToConfiguration() {
        let request = PricingAdvisor().prompt(for: report(served: ["caesar": 2]))
        #expect(request.model == nil)
        let text = request.messages[0].content
        for dish in Menu.dishes { #expect(text.contains(dish.name)) }
    }
}

@Suite struct KitchenCoordinatorTests {
    func window(_ signals: [String: KitchenSignal], state: KitchenState = .opening)
        -> CollectedWindow<ServiceReport, KitchenSignal>
    {
        CollectedWindow(
            triggerID: 1, trigger: report(state: state),
            observations: signals.mapValues { Observation(agent: "x", triggerID: 1, source: .logic, value: $0) },
            expectedAgents: KitchenCoordinator().expectedAgents)
    }

    @Test func rulesMergeTheObservations() {
        let decision = KitchenCoordinator().fallbackDecision(
            for: window([
                "stock_watcher": .restock(["egg": 36]),
                "demand_forecaster": .demand(hot: ["carbonara"], cold: ["caesar"]),
                "pricing_advisor": .pricing(["carbonara": -5, "caesar": 5, "tiramisu": 5, "margherita": -5]),
            ]))
        #expect(decision.restock == ["egg": 36])
        // No cut for the hot dish, no raise for the cold one.
        #expect(decision.priceChanges == ["tiramisu": 5, "margherita": -5])
        #expect(decision.offMenu.isEmpty)
    }

    @Test func aDishThatCannotBeCookedNorRestockedGoesOffTheMenuAndComesBack() {
        var state = KitchenState.opening
        state.stock["mascarpone"] = 0
        let off = KitchenCoordinator().fallbackDecision(for: window(["stock_watcher": .restock([:])], state: state))
        #expect(off.offMenu == ["tiramisu"])
        state.offMenu = ["tiramisu"]
        let back = KitchenCoordinator().fallbackDecision(
            for: window(["stock_watcher": .restock(["mascarpone": 12])], state: state))
        #expect(back.backOnMenu == ["tiramisu"])
        #expect(back.offMenu.isEmpty)
    }

    @Test func stateServesWithinStockAndAppliesDecisions() {
        var state = KitchenState.opening
        state.stock["guanciale"] = 2
        let (served, missed) = state.serve(["carbonara": 3])
        #expect(served == ["carbonara": 2])
        #expect(missed == ["carbonara": 1])
        #expect(state.stock["egg"] == 30 - 4)
        #expect(state.revenue == 2 * 1400)
        state.apply(KitchenDecision(restock: ["guanciale": 15], priceChanges: ["carbonara": 5], offMenu: ["caesar"]))
        #expect(state.stock["guanciale"] == 15)
        #expect(state.prices["carbonara"] == 1470)
        #expect(state.offMenu == ["caesar"])
        #expect(!state.canCook(Menu.dish(named: "caesar")!))
    }
}

@Suite struct DirectiveFormatTests {
    @Test func aDirectiveLineNamesTheTickSourceAgentsAndActions() {
        let directive = Directive(
            triggerID: 3,
            decision: KitchenDecision(
                restock: ["egg": 36, "dough": 20], priceChanges: ["tiramisu": -5, "caesar": 5], offMenu: ["carbonara"]),
            heardFrom: ["demand_forecaster", "stock_watcher"], missing: ["pricing_advisor"], source: .fallback,
            fallbackReason: FallbackReason(.timeout), closeReason: .deadline)
        #expect(
            directive.summary
                == "tick 3  fallback  heard: demand_forecaster, stock_watcher  missing: pricing_advisor  "
                + "restock dough+20 egg+36  price caesar +5% tiramisu -5%  86 carbonara")
        let quiet = Directive(
            triggerID: 4, decision: KitchenDecision(), heardFrom: [], missing: [], source: .model, fallbackReason: nil,
            closeReason: .allReported)
        #expect(quiet.summary == "tick 4  model     heard: nobody  hold")
    }
}
