import SwitchyardAgents

/// Tracks demand per dish with an exponential moving average and names the hot and cold
/// dishes.
///
/// Pure logic with a little private memory (the averages); the kitchen's state stays in the
/// `StateStore`.
public struct DemandForecaster: PureLogicAgent {
    public let name = "demand_forecaster"
    /// Weight of the newest service in the average.
    public var smoothing = 0.5
    private var average: [String: Double] = [:]

    public init() {}

    public mutating func observe(_ report: ServiceReport) -> KitchenSignal {
        var hot: [String] = []
        var cold: [String] = []
        for dish in Menu.dishes {
            let wanted = Double(report.served[dish.name, default: 0] + report.missed[dish.name, default: 0])
            let previous = average[dish.name] ?? Double(dish.baseDemand)
            let current = smoothing * wanted + (1 - smoothing) * previous
            average[dish.name] = current
            if report.missed[dish.name, default: 0] > 0 || current > Double(dish.baseDemand) * 1.2 {
                hot.append(dish.name)
            } else if current < Double(dish.baseDemand) * 0.6 {
                cold.append(dish.name)
            }
        }
        return .demand(hot: hot, cold: cold)
    }
}
