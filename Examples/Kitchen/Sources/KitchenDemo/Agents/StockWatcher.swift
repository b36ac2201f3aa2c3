import SwitchyardAgents

/// Orders a lot of every ingredient that will not last the next few services.
///
/// Pure logic: usage is what this service consumed; an ingredient is short when its stock
/// would not cover `horizon` more service(s) like it (or falls below `floor`).
public struct StockWatcher: PureLogicAgent {
    public let name = "stock_watcher"
    public var horizon = 1
    public var floor = 4

    public init() {}

    public func observe(_ report: ServiceReport) -> KitchenSignal {
        var usage: [String: Int] = [:]
        for (dishName, count) in report.served.merging(report.missed, uniquingKeysWith: +) {
            guard let dish = Menu.dish(named: dishName) else { continue }
            for (ingredient, units) in dish.recipe { usage[ingredient, default: 0] += units * count }
        }
        var order: [String: Int] = [:]
        for ingredient in Menu.pantry {
            let stock = report.state.stock[ingredient.name, default: 0]
            if stock < max(floor, usage[ingredient.name, default: 0] * horizon) {
                order[ingredient.name] = ingredient.lot
            }
        }
        return .restock(order)
    }
}
