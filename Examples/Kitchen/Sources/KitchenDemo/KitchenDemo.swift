import Logging
import ServiceLifecycle
import SwitchyardAgents
import SwitchyardLLM
import UnixSignals

/// Runs the kitchen demo until `configuration.ticks` directives were made, printing each.
public enum KitchenDemo {
    /// Runs the supervisor tree under a service group that handles SIGINT/SIGTERM, prints a
    /// line per directive through `output`, and returns the final state.
    public static func run(
        configuration: KitchenConfiguration,
        model: (any LanguageModel)?,
        logger: Logger,
        output: @escaping @Sendable (String) -> Void
    ) async throws -> KitchenState {
        let app = KitchenApp(configuration: configuration, model: model, clock: ContinuousClock(), logger: logger)
        let directives = app.bus.subscribe(KitchenTopics.directives, options: .init(capacity: 1024, overflow: .suspendPublisher))
        let tree = try app.supervisor()
        let group = ServiceGroup(
            configuration: .init(services: [tree], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        output(
            "kitchen: \(configuration.ticks.map { "\($0) services" } ?? "services") every \(configuration.interval), "
                + (model.map { "model \($0.name)" } ?? "no model configured (LLM agents run on their fallbacks)"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            var count: UInt64 = 0
            for await directive in directives {
                output(directive.summary)
                count += 1
                if let ticks = configuration.ticks, count >= ticks { break }
            }
            await group.triggerGracefulShutdown()
        }
        return app.store.snapshot
    }
}
