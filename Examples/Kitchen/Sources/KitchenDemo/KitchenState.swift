/// The kitchen's central state, owned by one `StateStore`.
public struct KitchenState: Sendable, Hashable, Codable {
    /// Units of each ingredient on the shelf.
    public var stock: [String: Int]
    /// Each dish's price, in cents.
    public var prices: [String: Int]
    /// Dishes taken off the menu ("86'd").
    public var offMenu: Set<String>
    /// Cents taken so far.
    public var revenue: Int
    /// Servings of each dish so far.
    public var served: [String: Int]

    public static let opening = KitchenState(
        stock: Dictionary(uniqueKeysWithValues: Menu.pantry.map { ($0.name, $0.openingStock) }),
        prices: Dictionary(uniqueKeysWithValues: Menu.dishes.map { ($0.name, $0.basePrice) }),
        offMenu: [],
        revenue: 0,
        served: [:]
    )

    /// Whether one more serving of `dish` can be cooked.
    public func canCook(_ dish: Dish) -> Bool {
        !offMenu.contains(dish.name) && dish.recipe.allSatisfy { stock[$0.key, default: 0] >= $0.value }
    }

    /// Serves what guests ask for, as far as stock allows; returns what was served and what
    /// was missed.
    public mutating func serve(_ wanted: [String: Int]) -> (served: [String: Int], missed: [String: Int]) {
        var served: [String: Int] = [:]
        var missed: [String: Int] = [:]
        for dish in Menu.dishes {
            for _ in 0..<wanted[dish.name, default: 0] {
                if canCook(dish) {
                    for (ingredient, units) in dish.recipe { stock[ingredient, default: 0] -= units }
                    served[dish.name, default: 0] += 1
                    revenue += prices[dish.name] ?? dish.basePrice
                } else {
                    missed[dish.name, default: 0] += 1
                }
            }
        }
        for (dish, count) in served { self.served[dish, default: 0] += count }
        return (served, missed)
    }

    /// Carries out a coordinator's decision.
    public mutating func apply(_ decision: KitchenDecision) {
        for (ingredient, units) in decision.restock where units > 0 { stock[ingredient, default: 0] += units }
        for (dish, percent) in decision.priceChanges {
            guard let price = prices[dish] else { continue }
            // Round to 10 cents, as a menu would.
            prices[dish] = max(100, Int((Double(price) * (1 + Double(percent) / 100) / 10).rounded()) * 10)
        }
        offMenu.subtract(decision.backOnMenu)
        offMenu.formUnion(decision.offMenu)
    }
}

/// How many guests ask for each dish on tick `tick` at the current prices.
///
/// Deterministic: demand falls as a price rises above its base (elasticity 1.5) and
/// wobbles by tick, so runs are reproducible.
public func guestDemand(tick: UInt64, prices: [String: Int]) -> [String: Int] {
    var demand: [String: Int] = [:]
    for (index, dish) in Menu.dishes.enumerated() {
        let price = Double(prices[dish.name] ?? dish.basePrice)
        let elastic = Double(dish.baseDemand) * pow15(Double(dish.basePrice) / price)
        let wobble = Int((tick &* 3 &+ UInt64(index) &* 5) % 7) - 3
        demand[dish.name] = max(0, Int(elastic.rounded()) + wobble)
    }
    return demand
}

private func pow15(_ x: Double) -> Double { x * x.squareRoot() }
