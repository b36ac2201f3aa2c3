import Logging
import Metrics
import ServiceLifecycle
import SwitchyardModel
import Synchronization

/// An agent that asks a language model, with a rule-based fallback it cannot do without.
///
/// `fallback(for:reason:)` is a protocol requirement: an LLM agent without a fallback does
/// not compile. The runtime (``LLMAgentService``) publishes the fallback whenever the model is
/// missing, slow, failing or unparsable, so every trigger yields exactly one observation.
public protocol LLMAgent: Sendable {
    associatedtype Trigger: TriggerMessage
    associatedtype Value: Sendable

    /// The agent's name, unique in its domain; observations carry it.
    var name: String { get }

    /// The request to send for one trigger.
    func prompt(for trigger: Trigger) -> ModelRequest

    /// Turns the model's reply into an observation. Throw if the reply is unusable; the
    /// fallback is published instead.
    func parse(_ reply: ModelReply, for trigger: Trigger) throws -> Value

    /// The rule-based observation used whenever the model cannot be: REQUIRED.
    func fallback(for trigger: Trigger, reason: FallbackReason) -> Value
}

/// How an ``LLMAgentService`` calls its model.
public struct LLMAgentOptions: Sendable {
    /// How long one model call may take before the fallback is used. Default 600 ms: three
    /// quarters of a ``Coordinator``'s default window (800 ms), so the fallback still lands in
    /// the window that needs it.
    ///
    /// When a coordinator collects this agent's observations, keep it shorter than the
    /// coordinator's window (widen both for a hosted model): a fallback that arrives after the
    /// window closed is late and counts for nothing.
    public var timeout: Duration
    /// The most model calls in flight at once; a trigger beyond that is answered by the
    /// fallback at once (reason `busy`) rather than queued behind a slow model. Default 4.
    public var maxInFlight: Int
    /// The trigger subscription's buffer. Default 64 messages, drop oldest.
    public var triggerBuffer: SubscriptionOptions

    public init(
        timeout: Duration = .milliseconds(600),
        maxInFlight: Int = 4,
        triggerBuffer: SubscriptionOptions = .init(capacity: 64, overflow: .dropOldest)
    ) {
        precondition(maxInFlight >= 1, "Switchyard: maxInFlight must be at least 1 (got \(maxInFlight))")
        precondition(timeout > .zero, "Switchyard: the model timeout must be positive (got \(timeout))")
        self.timeout = timeout
        self.maxInFlight = maxInFlight
        self.triggerBuffer = triggerBuffer
    }
}

/// Runs an ``LLMAgent``: one task per agent, consulting its model without blocking its
/// triggers.
///
/// The agent's own task reads triggers; each model call runs in a child task of the agent's
/// task group with a timeout, so the agent keeps receiving triggers while calls are in
/// flight. On graceful shutdown it stops reading, answers the triggers already buffered, and
/// waits for the calls in flight.
public final class LLMAgentService<Agent: LLMAgent, C: Clock>: Service, Sendable where C.Duration == Duration {
    public let name: String
    private let agent: Agent
    private let model: (any LanguageModel)?
    private let subscription: Subscription<Agent.Trigger>
    private let observations: Topic<Observation<Agent.Value>>
    private let bus: PubSub
    private let options: LLMAgentOptions
    private let clock: C
    private let logger: Logger
    private let inFlight = Atomic<Int>(0)
    private let health = ModelHealth()

    /// Subscribes `agent` to `trigger` at once; ``run()`` processes the triggers.
    ///
    /// - Parameter model: the model to consult, or `nil` to run on the fallback (said once in
    ///   the log).
    public init(
        _ agent: Agent,
        model: (any LanguageModel)?,
        trigger: Topic<Agent.Trigger>,
        observations: Topic<Observation<Agent.Value>>,
        bus: PubSub,
        options: LLMAgentOptions = .init(),
        clock: C,
        logger: Logger = Logger(label: "switchyard.agents")
    ) {
        self.name = agent.name
        self.agent = agent
        self.model = model
        self.observations = observations
        self.bus = bus
        self.options = options
        self.clock = clock
        var logger = logger
        logger[metadataKey: "agent.name"] = "\(agent.name)"
        self.logger = logger
        self.subscription = bus.subscribe(trigger, options: options.triggerBuffer)
    }

    /// Model calls in flight now.
    public var callsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Triggers dropped by the subscription's overflow policy so far.
    public var droppedTriggers: UInt64 { subscription.droppedCount }

    public func run() async throws {
        if model == nil {
            logger.notice("no language model configured; this agent runs on its fallback")
        }
        let subscription = self.subscription
        await withDiscardingTaskGroup { group in
            await withTaskCancellationOrGracefulShutdownHandler {
                for await trigger in subscription {
                    guard let model else {
                        await publishFallback(for: trigger, reason: FallbackReason(.noModel))
                        continue
                    }
                    let admitted = inFlight.withAdmission(limit: options.maxInFlight)
                    guard admitted else {
                        await publishFallback(
                            for: trigger,
                            reason: FallbackReason(.busy, detail: "\(options.maxInFlight) calls in flight")
                        )
                        continue
                    }
                    group.addTask {
                        let observation = await self.consult(model, about: trigger)
                        self.inFlight.subtract(1, ordering: .relaxed)
                        await self.publish(observation)
                    }
                }
            } onCancelOrGracefulShutdown: {
                subscription.cancel()
            }
        }
    }

    /// Asks the model about one trigger; any failure becomes the fallback.
    func consult(_ model: any LanguageModel, about trigger: Agent.Trigger) async -> Observation<Agent.Value> {
        let result = await consultModel(
            model, request: agent.prompt(for: trigger), timeout: options.timeout, clock: clock
        ) { try agent.parse($0, for: trigger) }
        health.record(result, logger: logger)
        switch result {
        case .success(let value):
            return Observation(agent: name, triggerID: trigger.triggerID, source: .model, value: value)
        case .failure(let reason):
            return fallbackObservation(for: trigger, reason: reason)
        }
    }

    private func fallbackObservation(for trigger: Agent.Trigger, reason: FallbackReason) -> Observation<Agent.Value> {
        logger.debug(
            "using fallback",
            metadata: ["trigger.id": "\(trigger.triggerID)", "fallback.reason": "\(reason.kind.rawValue)"]
        )
        Counter(
            label: "switchyard_agent_fallbacks_total", dimensions: [("agent", name), ("reason", reason.kind.rawValue)]
        )
        .increment()
        return Observation(
            agent: name,
            triggerID: trigger.triggerID,
            source: .fallback,
            fallbackReason: reason,
            value: agent.fallback(for: trigger, reason: reason)
        )
    }

    private func publishFallback(for trigger: Agent.Trigger, reason: FallbackReason) async {
        await publish(fallbackObservation(for: trigger, reason: reason))
    }

    private func publish(_ observation: Observation<Agent.Value>) async {
        Counter(
            label: "switchyard_agent_observations_total",
            dimensions: [("agent", name), ("source", observation.source.rawValue)]
        ).increment()
        await bus.broadcast(observation, on: observations)
    }
}

extension LLMAgentService where C == ContinuousClock {
    /// Runs `agent` on the continuous clock.
    public convenience init(
        _ agent: Agent,
        model: (any LanguageModel)?,
        trigger: Topic<Agent.Trigger>,
        observations: Topic<Observation<Agent.Value>>,
        bus: PubSub,
        options: LLMAgentOptions = .init(),
        logger: Logger = Logger(label: "switchyard.agents")
    ) {
        self.init(
            agent, model: model, trigger: trigger, observations: observations, bus: bus, options: options,
            clock: ContinuousClock(), logger: logger)
    }
}

extension Atomic where Value == Int {
    /// Increments if below `limit`; returns whether it did.
    func withAdmission(limit: Int) -> Bool {
        var current = load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }
}
