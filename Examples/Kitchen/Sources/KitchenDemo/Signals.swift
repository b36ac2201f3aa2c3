import SwitchyardAgents

/// What happened in the dining room on one tick: the trigger for agents and coordinator.
public struct ServiceReport: TriggerMessage, Sendable, Hashable {
    public var tick: UInt64
    /// Servings cooked this tick, per dish.
    public var served: [String: Int]
    /// Guests turned away this tick (out of stock or off the menu), per dish.
    public var missed: [String: Int]
    /// The state after this tick's service.
    public var state: KitchenState

    public var triggerID: TriggerID { TriggerID(tick) }
}

/// An agent's observation about one service.
public enum KitchenSignal: Sendable, Hashable {
    /// Ingredients to order, and how many units.
    case restock([String: Int])
    /// Dishes guests want more of than we serve, and dishes nobody wants.
    case demand(hot: [String], cold: [String])
    /// Suggested price changes, in percent, per dish.
    case pricing([String: Int])
}

/// The coordinator's decision for one service.
public struct KitchenDecision: Sendable, Hashable, Codable {
    public var restock: [String: Int]
    /// Price changes in percent, per dish.
    public var priceChanges: [String: Int]
    public var offMenu: [String]
    public var backOnMenu: [String]

    public init(
        restock: [String: Int] = [:], priceChanges: [String: Int] = [:], offMenu: [String] = [],
        backOnMenu: [String] = []
    ) {
        self.restock = restock
        self.priceChanges = priceChanges
        self.offMenu = offMenu
        self.backOnMenu = backOnMenu
    }
}

/// The kitchen's topics, `"kitchen:{event}"`.
public enum KitchenTopics {
    public static let tick = Topic<Tick>("kitchen:tick")
    public static let service = Topic<ServiceReport>("kitchen:service")
    public static let observations = Topic<Observation<KitchenSignal>>.agentObservations(domain: "kitchen")
    public static let directives = Topic<Directive<KitchenDecision>>.coordinatorDirectives(domain: "kitchen")
    public static let stateChanged = Topic<StateChange<KitchenState>>("kitchen:state_changed")
}
