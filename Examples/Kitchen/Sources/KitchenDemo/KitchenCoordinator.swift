import Foundation
import SwitchyardAgents
import SwitchyardModel

/// Turns the agents' observations into one decision per service.
///
/// Rules (the fallback): restock what the stock watcher asks for; take price advice, but
/// never cut the price of a hot dish nor raise a cold one, and keep each change within
/// ±10 %; take a dish off the menu when it cannot be cooked and none of its missing
/// ingredients is on order, and put it back once it can be.
public struct KitchenCoordinator: CoordinatorLogic {
    public typealias Trigger = ServiceReport
    public typealias Value = KitchenSignal

    public let expectedAgents: Set<String> = ["stock_watcher", "demand_forecaster", "pricing_advisor"]
    /// Whether to ask the model for the synthesis (else rules only).
    public var asksModel: Bool

    public init(asksModel: Bool = false) {
        self.asksModel = asksModel
    }

    public func prompt(for window: CollectedWindow<ServiceReport, KitchenSignal>) -> ModelRequest? {
        guard asksModel else { return nil }
        let rules = fallbackDecision(for: window)
        let draft = String(decoding: (try? JSONEncoder.sorted.encode(rules)) ?? Data(), as: UTF8.self)
        return ModelRequest(
            system: "You run a small restaurant's kitchen. Answer only with JSON.",
            messages: [
                ChatMessage(
                    role: .user,
                    content: """
                        The rule-based plan for service \(window.triggerID) is:
                        \(draft)
                        Return the plan to carry out, same JSON shape, adjusting it only if clearly better.
                        """)
            ],
            maxTokens: 300,
            temperature: 0
        )
    }

    public func parse(_ reply: ModelReply, for window: CollectedWindow<ServiceReport, KitchenSignal>) throws
        -> KitchenDecision
    {
        try JSONDecoder().decode(KitchenDecision.self, from: Data(reply.text.utf8))
    }

    public func fallbackDecision(for window: CollectedWindow<ServiceReport, KitchenSignal>) -> KitchenDecision {
        var restock: [String: Int] = [:]
        var hot: Set<String> = []
        var cold: Set<String> = []
        var advice: [String: Int] = [:]
        for observation in window.observations.values {
            switch observation.value {
            case .restock(let order): restock.merge(order) { max($0, $1) }
            case .demand(let h, let c):
                hot.formUnion(h)
                cold.formUnion(c)
            case .pricing(let changes): advice = changes
            }
        }
        var decision = KitchenDecision(restock: restock)
        for (dish, percent) in advice {
            if percent < 0 && hot.contains(dish) { continue }
            if percent > 0 && cold.contains(dish) { continue }
            decision.priceChanges[dish] = min(10, max(-10, percent))
        }
        if let state = window.trigger?.state {
            for dish in Menu.dishes {
                let short = dish.recipe.filter { state.stock[$0.key, default: 0] < $0.value }.map(\.key)
                let cookable = short.isEmpty
                if state.offMenu.contains(dish.name) {
                    if cookable || short.allSatisfy({ restock[$0] != nil }) { decision.backOnMenu.append(dish.name) }
                } else if !cookable && !short.contains(where: { restock[$0] != nil }) {
                    decision.offMenu.append(dish.name)
                }
            }
        }
        return decision
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
