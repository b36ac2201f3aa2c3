import Logging
import ServiceLifecycle
import SwitchyardAgents
import SwitchyardModel

/// The kitchen simulation's settings.
public struct KitchenConfiguration: Sendable {
    /// Time between services (ticks). Default 1 s.
    public var interval: Duration
    /// Stop after this many ticks (`nil`: run until stopped). Default 10.
    public var ticks: UInt64?
    /// The coordinator's collection window. Default 800 ms.
    public var window: Duration
    /// How long a model call may take: the pricing advisor's, and the coordinator's own once
    /// a window closed. Shorter than the window, so the advisor's fallback reaches the
    /// coordinator while the window that needs it is open, and a directive follows its window
    /// within one more window. Default: three quarters of the window.
    public var modelTimeout: Duration

    /// - Precondition: `interval` and `window` are positive, and `modelTimeout` is positive
    ///   and shorter than `window`.
    public init(
        interval: Duration = .seconds(1), ticks: UInt64? = 10, window: Duration = .milliseconds(800),
        modelTimeout: Duration? = nil
    ) {
        precondition(interval > .zero, "Switchyard: the kitchen's interval must be positive (got \(interval))")
        precondition(window > .zero, "Switchyard: the kitchen's window must be positive (got \(window))")
        let modelTimeout = modelTimeout ?? window * 3 / 4
        precondition(
            modelTimeout > .zero && modelTimeout < window,
            "Switchyard: the kitchen's model timeout (\(modelTimeout)) must be positive and shorter than its window (\(window))"
        )
        self.interval = interval
        self.ticks = ticks
        self.window = window
        self.modelTimeout = modelTimeout
    }
}

/// The kitchen backend: its bus, central state, and supervisor tree in stage order
/// (``SupervisionStage``).
public struct KitchenApp<C: Clock>: Sendable where C.Duration == Duration {
    public let bus: PubSub
    public let store: StateStore<KitchenState>
    public let configuration: KitchenConfiguration
    let model: (any LanguageModel)?
    let clock: C
    let logger: Logger

    /// - Parameter model: the model for the pricing advisor and the coordinator; `nil` runs
    ///   both on their fallbacks.
    public init(configuration: KitchenConfiguration = .init(), model: (any LanguageModel)?, clock: C, logger: Logger) {
        self.configuration = configuration
        self.model = model
        self.clock = clock
        self.logger = logger
        self.bus = PubSub(logger: logger)
        self.store = StateStore(initial: .opening, changes: KitchenTopics.stateChanged, bus: bus, logger: logger)
    }

    /// The supervisor tree: infrastructure, state, pure agents, LLM agents, coordinator.
    public func supervisor() throws -> Supervisor<C> {
        let (bus, store, model, clock, logger, configuration) = (bus, store, model, clock, logger, configuration)
        return try Supervisor(
            "kitchen",
            children: [
                // 1. Infrastructure
                .service("pubsub", stage: .infrastructure, bus),
                // 2. State. The store keeps its state across restarts (it may be run again).
                .service("kitchen_state", stage: .state, store),
                ChildSpec("dining_room", stage: .state) { DiningRoom(store: store, bus: bus) },
                ChildSpec("directive_desk", stage: .state) { DirectiveDesk(store: store, bus: bus) },
                ChildSpec("ticker", stage: .state, restart: .transient) {
                    Ticker(
                        topic: KitchenTopics.tick, every: configuration.interval, limit: configuration.ticks, bus: bus,
                        clock: clock, logger: logger)
                },
                // 3. Pure-logic agents
                ChildSpec("stock_watcher", stage: .pureAgents) {
                    PureLogicAgentService(
                        StockWatcher(), trigger: KitchenTopics.service, observations: KitchenTopics.observations,
                        bus: bus, logger: logger)
                },
                ChildSpec("demand_forecaster", stage: .pureAgents) {
                    PureLogicAgentService(
                        DemandForecaster(), trigger: KitchenTopics.service, observations: KitchenTopics.observations,
                        bus: bus, logger: logger)
                },
                // 4. LLM agents
                ChildSpec("pricing_advisor", stage: .llmAgents) {
                    LLMAgentService(
                        PricingAdvisor(), model: model, trigger: KitchenTopics.service,
                        observations: KitchenTopics.observations, bus: bus,
                        options: .init(timeout: configuration.modelTimeout), clock: clock, logger: logger)
                },
                // 5. Coordinator
                ChildSpec("coordinator", stage: .coordinator) {
                    Coordinator(
                        KitchenCoordinator(asksModel: model != nil), model: model, trigger: KitchenTopics.service,
                        observations: KitchenTopics.observations, directives: KitchenTopics.directives, bus: bus,
                        options: .init(window: configuration.window, modelTimeout: configuration.modelTimeout),
                        clock: clock, logger: logger)
                },
            ],
            clock: clock,
            logger: logger
        )
    }
}
