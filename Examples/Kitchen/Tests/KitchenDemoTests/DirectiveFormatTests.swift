import SwitchyardAgents
import SwitchyardModel
import Testing

@testable import KitchenDemo

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
