import Foundation
import SwitchyardAgents
import SwitchyardModel

/// Suggests price changes: asks a model, and falls back to a simple rule.
///
/// The model gets this service's orders and prices and must answer JSON
/// `{"changes": {"dish": percent, ...}}` with percents in -10...10.
public struct PricingAdvisor: LLMAgent {
    public let name = "pricing_advisor"

    public init() {}

    public func prompt(for report: ServiceReport) -> ModelRequest {
        let lines = Menu.dishes.map { dish in
            "- \(dish.name): price \(report.state.prices[dish.name] ?? dish.basePrice) cents, "
                + "served \(report.served[dish.name, default: 0]), turned away \(report.missed[dish.name, default: 0])"
        }
        return ModelRequest(
            system: "You price a small restaurant's menu. Answer only with JSON.",
            messages: [
                ChatMessage(
                    role: .user,
                    content: """
                        Service \(report.tick):
                        \(lines.joined(separator: "\n"))
                        Suggest price changes in whole percent between -10 and 10, omitting dishes to keep, \
                        as JSON such as {"changes": {"margherita": 5}}.
                        """)
            ],
            maxTokens: 200,
            temperature: 0
        )
    }

    struct Reply: Decodable {
        var changes: [String: Int]
    }

    public struct InvalidAdvice: Error, CustomStringConvertible {
        public var description: String
    }

    public func parse(_ reply: ModelReply, for report: ServiceReport) throws -> KitchenSignal {
        let decoded = try JSONDecoder().decode(Reply.self, from: Data(reply.text.utf8))
        for (dish, percent) in decoded.changes {
            guard Menu.dish(named: dish) != nil else { throw InvalidAdvice(description: "unknown dish \"\(dish)\"") }
            guard (-10...10).contains(percent) else {
                throw InvalidAdvice(description: "change \(percent)% for \(dish) is outside -10...10")
            }
        }
        return .pricing(decoded.changes)
    }

    /// The rule: +5 % on a dish guests were turned away from or asked for well above its
    /// usual demand, -5 % on one far below it.
    public func fallback(for report: ServiceReport, reason: FallbackReason) -> KitchenSignal {
        var changes: [String: Int] = [:]
        for dish in Menu.dishes where !report.state.offMenu.contains(dish.name) {
            let missed = report.missed[dish.name, default: 0]
            let wanted = report.served[dish.name, default: 0] + missed
            if missed > 0 || wanted * 10 >= dish.baseDemand * 13 {
                changes[dish.name] = 5
            } else if wanted * 2 <= dish.baseDemand {
                changes[dish.name] = -5
            }
        }
        return .pricing(changes)
    }
}
