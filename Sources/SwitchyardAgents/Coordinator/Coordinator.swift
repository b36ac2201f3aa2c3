import Logging
import Metrics
import ServiceLifecycle
import SwitchyardModel
import Synchronization

/// How a ``Coordinator`` collects and decides.
public struct CoordinatorOptions: Sendable {
    /// How long a window stays open for observations. Default 800 ms.
    public var window: Duration
    /// How long a model synthesis may take, once a window closed, before the fallback
    /// decides. It bounds how long a directive follows its window, and since directives are
    /// published in trigger order, how long a slow one can hold back the next. Default: one
    /// window.
    public var modelTimeout: Duration
    /// The most windows open at once; opening one more closes the oldest. Default 16.
    public var maxOpenWindows: Int
    /// The trigger subscription's buffer. Default 256, drop oldest.
    public var triggerBuffer: SubscriptionOptions
    /// The observation subscription's buffer. Default 4096, drop oldest.
    public var observationBuffer: SubscriptionOptions

    public init(
        window: Duration = .milliseconds(800),
        modelTimeout: Duration? = nil,
        maxOpenWindows: Int = 16,
        triggerBuffer: SubscriptionOptions = .init(capacity: 256),
        observationBuffer: SubscriptionOptions = .init(capacity: 4096)
    ) {
        precondition(window > .zero, "Switchyard: the collection window must be positive (got \(window))")
        self.window = window
        self.modelTimeout = modelTimeout ?? window
        self.maxOpenWindows = maxOpenWindows
        self.triggerBuffer = triggerBuffer
        self.observationBuffer = observationBuffer
    }
}

/// The central coordinator: on each trigger it opens a collection window, collects the
/// agents' observations, and when the window closes synthesizes one ``Directive`` and
/// broadcasts it on `"{domain}:coordinator_directive"`.
///
/// Directives are published in trigger order (the order the windows opened), even when a
/// later window closes early or is decided faster; a slow decision holds the next back for at
/// most ``CoordinatorOptions/modelTimeout``.
///
/// See ``CoordinatorStateMachine`` for the window rules (early close, late observations,
/// overlapping triggers). A decision is made by the model when ``CoordinatorLogic`` asks
/// for one and it answers in time, otherwise by `fallbackDecision`.
public final class Coordinator<Logic: CoordinatorLogic, C: Clock>: Service, Sendable where C.Duration == Duration {
    /// Counters of the coordinator's windows, for tests and status pages.
    public struct Stats: Sendable, Hashable {
        public var windowsOpened: Int
        public var closedEarly: Int
        public var closedAtDeadline: Int
        public var evicted: Int
        public var lateObservations: Int
        public var duplicateObservations: Int
        /// Windows opened by observations whose trigger never arrived: dropped, not decided.
        public var orphaned: Int
    }

    private enum Event: Sendable {
        case trigger(Logic.Trigger)
        case observation(Observation<Logic.Value>)
        case deadline(TriggerID)
        case shutdown
    }

    private let logic: Logic
    private let model: (any LanguageModel)?
    private let triggers: Subscription<Logic.Trigger>
    private let observations: Subscription<Observation<Logic.Value>>
    private let directives: Topic<Directive<Logic.Decision>>
    private let bus: PubSub
    private let options: CoordinatorOptions
    private let clock: C
    private let logger: Logger
    private let state: Mutex<CoordinatorStateMachine<Logic.Trigger, Logic.Value>>
    private let release = Mutex(InOrderRelease<Directive<Logic.Decision>>())
    private let health = ModelHealth()

    /// Subscribes at once to `trigger` and `observations`; ``run()`` collects and decides.
    public init(
        _ logic: Logic,
        model: (any LanguageModel)?,
        trigger: Topic<Logic.Trigger>,
        observations: Topic<Observation<Logic.Value>>,
        directives: Topic<Directive<Logic.Decision>>,
        bus: PubSub,
        options: CoordinatorOptions = .init(),
        clock: C,
        logger: Logger = Logger(label: "switchyard.coordinator")
    ) {
        self.logic = logic
        self.model = model
        self.directives = directives
        self.bus = bus
        self.options = options
        self.clock = clock
        self.logger = logger
        self.state = Mutex(
            CoordinatorStateMachine(expectedAgents: logic.expectedAgents, maxOpenWindows: options.maxOpenWindows))
        self.triggers = bus.subscribe(trigger, options: options.triggerBuffer)
        self.observations = bus.subscribe(observations, options: options.observationBuffer)
    }

    /// The coordinator's window counters so far.
    public var stats: Stats {
        let s = state.withLock { $0.stats }
        return Stats(
            windowsOpened: s.windowsOpened, closedEarly: s.closedEarly, closedAtDeadline: s.closedAtDeadline,
            evicted: s.evicted, lateObservations: s.lateObservations, duplicateObservations: s.duplicateObservations,
            orphaned: s.orphaned)
    }

    public func run() async throws {
        if model == nil {
            logger.notice("no language model configured; the coordinator decides by its fallback rules")
        }
        let (events, eventSink) = AsyncStream<Event>.makeStream()
        let (deadlines, deadlineSink) = AsyncStream<(TriggerID, C.Instant)>.makeStream()
        let triggers = self.triggers
        let observations = self.observations
        let clock = self.clock
        // Decisions run in the outer group, so they finish even after the readers and the
        // timer of the inner group are cancelled at shutdown.
        await withDiscardingTaskGroup { decisions in
            await withDiscardingTaskGroup { readers in
                readers.addTask {
                    for await trigger in triggers { eventSink.yield(.trigger(trigger)) }
                }
                readers.addTask {
                    for await observation in observations { eventSink.yield(.observation(observation)) }
                }
                readers.addTask {
                    // Every window lasts the same time, so deadlines arrive in order and one
                    // timer serves them all.
                    for await (id, deadline) in deadlines {
                        do { try await clock.sleep(until: deadline, tolerance: nil) } catch { return }
                        eventSink.yield(.deadline(id))
                    }
                }
                func carryOut(_ actions: [CoordinatorStateMachine<Logic.Trigger, Logic.Value>.Action]) {
                    for action in actions {
                        switch action {
                        case .armTimer(let id):
                            deadlineSink.yield((id, clock.now.advanced(by: options.window)))
                        case .close(let window, let reason, let sequence):
                            Counter(
                                label: "switchyard_coordinator_windows_closed_total",
                                dimensions: [("reason", reason.rawValue)]
                            )
                            .increment()
                            decisions.addTask { await self.decide(window, reason: reason, sequence: sequence) }
                        case .drop(let sequence):
                            // A trigger the coordinator's subscription dropped (a full buffer), or an
                            // observation for a trigger long forgotten: no directive for it.
                            Counter(
                                label: "switchyard_coordinator_windows_closed_total",
                                dimensions: [("reason", "orphaned")]
                            )
                            .increment()
                            logger.warning(
                                "window dropped without a directive: its trigger never reached the coordinator")
                            decisions.addTask { await self.publishInOrder(nil, sequence: sequence) }
                        }
                    }
                }
                await withTaskCancellationOrGracefulShutdownHandler {
                    loop: for await event in events {
                        switch event {
                        case .trigger(let trigger):
                            carryOut(state.withLock { $0.receive(trigger: trigger) })
                        case .observation(let observation):
                            let (actions, late) = state.withLock { state in
                                let before = state.stats.lateObservations
                                return (state.receive(observation: observation), state.stats.lateObservations > before)
                            }
                            if late {
                                Counter(label: "switchyard_coordinator_late_observations_total").increment()
                                logger.debug(
                                    "late observation",
                                    metadata: [
                                        "agent.name": "\(observation.agent)", "trigger.id": "\(observation.triggerID)",
                                    ])
                            }
                            carryOut(actions)
                        case .deadline(let id):
                            carryOut(state.withLock { $0.deadlinePassed(for: id) }.map { [$0] } ?? [])
                        case .shutdown:
                            break loop
                        }
                    }
                } onCancelOrGracefulShutdown: {
                    eventSink.yield(.shutdown)
                }
                // Shutdown (graceful, or cancellation ending the event stream): windows still
                // open are decided with what they have, so nothing collected is lost.
                carryOut(state.withLock { $0.shutDown() })
                triggers.cancel()
                observations.cancel()
                deadlineSink.finish()
                readers.cancelAll()
            }
        }
    }

    /// Synthesizes the directive for a closed window and publishes it as number `sequence`.
    func decide(_ window: CollectedWindow<Logic.Trigger, Logic.Value>, reason: WindowCloseReason, sequence: UInt64)
        async
    {
        let request = logic.prompt(for: window)
        let result = await consultModel(
            model, request: request, timeout: options.modelTimeout, clock: clock
        ) { try logic.parse($0, for: window) }
        if request != nil { health.record(result, logger: logger) }
        let directive: Directive<Logic.Decision>
        switch result {
        case .success(let decision):
            directive = Directive(
                triggerID: window.triggerID, decision: decision, heardFrom: window.heardFrom,
                observationSources: window.sources, missing: window.missing,
                source: .model, fallbackReason: nil, closeReason: reason)
        case .failure(let fallbackReason):
            directive = Directive(
                triggerID: window.triggerID, decision: logic.fallbackDecision(for: window), heardFrom: window.heardFrom,
                observationSources: window.sources, missing: window.missing, source: .fallback,
                fallbackReason: fallbackReason, closeReason: reason)
        }
        Counter(label: "switchyard_coordinator_directives_total", dimensions: [("source", directive.source.rawValue)])
            .increment()
        logger.debug(
            "directive",
            metadata: [
                "trigger.id": "\(directive.triggerID)", "directive.source": "\(directive.source)",
                "window.close_reason": "\(reason)",
                "directive.heard_from": "\(directive.heardFrom.joined(separator: ","))",
            ])
        await publishInOrder(directive, sequence: sequence)
    }

    /// Publishes directive number `sequence` (`nil`: that window was dropped) once every
    /// earlier one is out; the caller that completes a run of numbers publishes the run.
    private func publishInOrder(_ directive: Directive<Logic.Decision>?, sequence: UInt64) async {
        var batch = release.withLock { $0.file(directive, as: sequence) }
        while !batch.isEmpty {
            for directive in batch { await bus.broadcast(directive, on: directives) }
            batch = release.withLock { $0.continueReleasing() }
        }
    }
}

extension Coordinator where C == ContinuousClock {
    /// A coordinator on the continuous clock.
    public convenience init(
        _ logic: Logic,
        model: (any LanguageModel)?,
        trigger: Topic<Logic.Trigger>,
        observations: Topic<Observation<Logic.Value>>,
        directives: Topic<Directive<Logic.Decision>>,
        bus: PubSub,
        options: CoordinatorOptions = .init(),
        logger: Logger = Logger(label: "switchyard.coordinator")
    ) {
        self.init(
            logic, model: model, trigger: trigger, observations: observations, directives: directives, bus: bus,
            options: options, clock: ContinuousClock(), logger: logger)
    }
}
