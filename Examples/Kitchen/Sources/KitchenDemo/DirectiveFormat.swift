import Foundation
import SwitchyardAgents

extension Directive where Decision == KitchenDecision {
    /// One line for the demo's output, such as
    /// `tick 3  fallback  heard: demand_forecaster, pricing_advisor (fallback), stock_watcher  restock egg+36  price tiramisu -5%`.
    public var summary: String {
        var parts = ["tick \(triggerID)", source.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)]
        let heard = heardFrom.map { agent in
            switch observationSources[agent] {
            case .model?: "\(agent) (model)"
            case .fallback?: "\(agent) (fallback)"
            default: agent
            }
        }
        parts.append("heard: " + (heard.isEmpty ? "nobody" : heard.joined(separator: ", ")))
        if !missing.isEmpty { parts.append("missing: " + missing.joined(separator: ", ")) }
        let d = decision
        if !d.restock.isEmpty {
            parts.append(
                "restock " + d.restock.sorted { $0.key < $1.key }.map { "\($0.key)+\($0.value)" }.joined(separator: " ")
            )
        }
        if !d.priceChanges.isEmpty {
            parts.append(
                "price "
                    + d.priceChanges.sorted { $0.key < $1.key }.map {
                        "\($0.key) \($0.value > 0 ? "+" : "")\($0.value)%"
                    }
                    .joined(separator: " "))
        }
        if !d.offMenu.isEmpty { parts.append("86 " + d.offMenu.joined(separator: " ")) }
        if !d.backOnMenu.isEmpty { parts.append("back " + d.backOnMenu.joined(separator: " ")) }
        if parts.count == 3 { parts.append("hold") }
        return parts.joined(separator: "  ")
    }
}

extension KitchenState {
    /// A few lines describing the state, for the end of the demo.
    public var summary: String {
        let money = "\(revenue / 100).\(String(format2: revenue % 100))"
        let prices = Menu.dishes.map { "\($0.name) \(self.prices[$0.name] ?? 0)" }.joined(separator: ", ")
        let stock = Menu.pantry.map { "\($0.name) \(self.stock[$0.name] ?? 0)" }.joined(separator: ", ")
        let served = Menu.dishes.map { "\($0.name) \(self.served[$0.name] ?? 0)" }.joined(separator: ", ")
        return """
            revenue: \(money)
            served:  \(served)
            prices:  \(prices) (cents)
            stock:   \(stock)\(offMenu.isEmpty ? "" : "\noff menu: " + offMenu.sorted().joined(separator: ", "))
            """
    }
}

extension String {
    fileprivate init(format2 value: Int) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
