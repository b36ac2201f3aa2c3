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
