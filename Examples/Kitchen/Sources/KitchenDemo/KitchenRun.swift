import Logging
import ServiceLifecycle
import SwitchyardAgents
import SwitchyardModel
import Synchronization
import UnixSignals

/// Runs the kitchen demo until `configuration.ticks` directives were made, printing each.
public enum KitchenRun {
    /// How a run ended.
    public enum Ending: Sendable, Hashable {
        /// Every configured service got its directive.
        case finished
        /// A signal stopped the run early; the tree was shut down gracefully.
        case interrupted(UnixSignal)
    }

    /// What a run did.
    public struct Outcome: Sendable {
        public var ending: Ending
        /// Directives printed.
        public var directives: UInt64
        /// The kitchen's state at the end.
        public var state: KitchenState
    }

    /// Runs the supervisor tree, prints a line per directive through `output`, and returns
    /// once `configuration.ticks` directives were printed, or the tree stopped.
    ///
    /// SIGINT or SIGTERM shuts the tree down gracefully, and the run ends as
    /// ``Ending/interrupted(_:)``. The shutdown is prompt: model calls in flight are bounded
    /// by the model timeout, which is shorter than the window.
    /// - Throws: whatever the supervisor tree failed with, such as a ``SupervisorError``.
    public static func run(
        configuration: KitchenConfiguration,
        model: (any LanguageModel)?,
        logger: Logger,
        output: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        let app = KitchenApp(configuration: configuration, model: model, clock: ContinuousClock(), logger: logger)
        return try await run(
            app, tree: try app.supervisor(), signals: [.sigterm, .sigint], logger: logger, output: output)
    }

    /// Runs `tree` as ``run(configuration:model:logger:output:)`` runs the app's supervisor.
    static func run<C: Clock>(
        _ app: KitchenApp<C>,
        tree: some Service,
        signals: [UnixSignal],
        logger: Logger,
        output: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        let configuration = app.configuration
        let directives = app.bus.subscribe(
            KitchenTopics.directives, options: .init(capacity: 1024, overflow: .suspendPublisher))
        let group = ServiceGroup(configuration: .init(services: [tree], logger: logger))
        let interruption = Interruption()
        output(
            "kitchen: \(configuration.ticks.map { "\($0) services" } ?? "services") every \(configuration.interval), "
                + "window \(configuration.window), model timeout \(configuration.modelTimeout), "
                + (app.model.map { "model \($0.name)" } ?? "no model configured (LLM agents run on their fallbacks)"))
        var count: UInt64 = 0
        let (treeEnded, treeEndedSink) = AsyncStream<Never>.makeStream()
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask {
                // However the tree ends — done, stopped by a signal, or failed — no directive
                // follows: end the loop below, so that a failure is thrown at once.
                defer {
                    directives.cancel()
                    treeEndedSink.finish()
                }
                try await group.run()
            }
            tasks.addTask {
                for await signal in await UnixSignalsSequence(trapping: signals) {
                    let first = interruption.signal.withLock { interruption in
                        defer { interruption = interruption ?? signal }
                        return interruption == nil
                    }
                    logger.notice(first ? "stopping on \(signal)" : "already stopping; \(signal) ignored")
                    if first { await group.triggerGracefulShutdown() }
                }
            }
            for await directive in directives {
                output(directive.summary)
                count += 1
                if let ticks = configuration.ticks, count >= ticks { break }
            }
            await group.triggerGracefulShutdown()
            for await _ in treeEnded {}
            // Only the signal listener is left.
            tasks.cancelAll()
        }
        let ending: Ending = interruption.signal.withLock { $0 }.map { .interrupted($0) } ?? .finished
        return Outcome(ending: ending, directives: count, state: app.store.snapshot)
    }
}

/// The first signal that stopped a run.
private final class Interruption: Sendable {
    let signal = Mutex<UnixSignal?>(nil)
}
