import SwitchyardAgents
import SwitchyardModel
import Testing

@testable import KitchenDemo

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
