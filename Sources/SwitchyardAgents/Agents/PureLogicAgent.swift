import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// An agent that computes its observation with plain, deterministic code: no model, no I/O.
///
/// It subscribes to one trigger topic and answers each trigger with one observation on
/// `"{domain}:agent_observation"`. It never calls another agent. `observe` may keep a little
/// private state (a moving average, say); domain state belongs in a ``StateStore``.
///
/// ```swift
/// struct StockWatcher: PureLogicAgent {
///     let name = "stock_watcher"
///     func observe(_ tick: Tick) -> Signal { ... }
/// }
/// ```
public protocol PureLogicAgent: Sendable {
    associatedtype Trigger: TriggerMessage
    associatedtype Value: Sendable

    /// The agent's name, unique in its domain; observations carry it.
    var name: String { get }

    /// Computes the observation for one trigger.
    mutating func observe(_ trigger: Trigger) -> Value
}

/// Runs a ``PureLogicAgent`` on the bus's runners: no task of its own, so an idle agent costs
/// only its subscription.
///
/// It is subscribed from the moment it is created (like a GenServer's `init`), so a supervisor
/// that creates children in stage order subscribes them in that order. ``run()`` keeps it
/// alive until graceful shutdown, then unsubscribes.
public final class PureLogicAgentService<Agent: PureLogicAgent>: Service, Sendable {
    public let name: String
    private let subscription: SubscriptionHandle<Agent.Trigger>

    /// Subscribes `agent` to `trigger`; its observations go to `observations`.
    ///
    /// The trigger subscription defaults to a 64-message buffer that drops the oldest
    /// trigger when full (counted), so a stalled agent never delays the ticker.
    public init(
        _ agent: Agent,
        trigger: Topic<Agent.Trigger>,
        observations: Topic<Observation<Agent.Value>>,
        bus: PubSub,
        options: SubscriptionOptions = .init(capacity: 64, overflow: .dropOldest),
        logger: Logger = Logger(label: "switchyard.agents")
    ) {
        let name = agent.name
        self.name = name
        // The agent value (and its metric, made on first use so an idle agent holds none) is
        // touched only by this subscription's handler, which the bus runs one message at a
        // time; the box makes that serial access expressible.
        let box = AgentBox(agent)
        let sender = bus.makeSubscriberID()
        self.subscription = bus.subscribe(trigger, options: options, as: sender) { trigger in
            let value = box.agent.observe(trigger)
            box.observed.increment()
            logger.trace("observed", metadata: ["agent.name": "\(name)", "trigger.id": "\(trigger.triggerID)"])
            await bus.broadcast(
                Observation(agent: name, triggerID: trigger.triggerID, source: .logic, value: value),
                on: observations,
                from: sender
            )
        }
    }

    /// Triggers dropped by the subscription's overflow policy so far.
    public var droppedTriggers: UInt64 { subscription.droppedCount }

    public func run() async throws {
        try? await gracefulShutdown()
        subscription.cancel()
    }

    /// Stops listening at once (what ``run()`` does on shutdown).
    public func cancel() { subscription.cancel() }
}

/// Holds an agent value that only one handler invocation touches at a time.
final class AgentBox<Agent: PureLogicAgent>: @unchecked Sendable {
    var agent: Agent
    lazy var observed = Counter(
        label: "switchyard_agent_observations_total",
        dimensions: [("agent", agent.name), ("source", ObservationSource.logic.rawValue)]
    )

    init(_ agent: Agent) { self.agent = agent }
}
