import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// How a ``Supervisor`` restarts its children.
public struct SupervisorOptions: Sendable {
    /// Which children a failure restarts. Default ``RestartStrategy/oneForOne``.
    public var strategy: RestartStrategy
    /// The most restarts allowed within ``period``; one more makes the supervisor stop its
    /// children and fail upward. Default 3 (OTP's `max_restarts`).
    public var maxRestarts: Int
    /// The window for ``maxRestarts``. Default 5 s (OTP's `max_seconds`).
    public var period: Duration
    /// How long a child may take to stop gracefully before it is cancelled; `nil` waits.
    /// Default `nil`.
    public var shutdownTimeout: Duration?

    public init(
        strategy: RestartStrategy = .oneForOne, maxRestarts: Int = 3, period: Duration = .seconds(5),
        shutdownTimeout: Duration? = nil
    ) {
        precondition(maxRestarts >= 0, "Switchyard: maxRestarts must not be negative")
        self.strategy = strategy
        self.maxRestarts = maxRestarts
        self.period = period
        self.shutdownTimeout = shutdownTimeout
    }
}

/// A supervisor tree in a fixed stage order (``SupervisionStage``), run as a
/// swift-service-lifecycle service.
///
/// - It refuses a tree whose children are out of stage order (infrastructure, state, pure
///   agents, LLM agents, coordinator, web), naming the offending child.
/// - It creates and starts children in order and stops them in reverse, each one fully
///   stopped (graceful shutdown) before the next; on SIGTERM/SIGINT its service group shuts
///   it down this way.
/// - It restarts children by ``RestartStrategy`` and ``RestartType`` within a restart
///   intensity; past it, it stops every child and throws
///   ``SupervisorError/Code/restartIntensityExceeded``.
public final class Supervisor<C: Clock>: Service, Sendable where C.Duration == Duration {
    public let name: String
    public let children: [ChildSpec]
    private let options: SupervisorOptions
    private let clock: C
    private let logger: Logger
    private let startedNames = Mutex<[String]>([])

    /// Validates the tree.
    /// - Throws: ``SupervisorError`` (`outOfOrder`, `duplicateName`) naming the child.
    public init(
        _ name: String = "supervisor",
        children: [ChildSpec],
        options: SupervisorOptions = .init(),
        clock: C,
        logger: Logger = Logger(label: "switchyard.supervisor")
    ) throws(SupervisorError) {
        var seen = Set<String>()
        for (index, child) in children.enumerated() {
            guard seen.insert(child.name).inserted else {
                throw SupervisorError(
                    code: .duplicateName, child: child.name,
                    message: "two children are named \"\(child.name)\"; names must be unique")
            }
            if index > 0, child.stage < children[index - 1].stage {
                let previous = children[index - 1]
                throw SupervisorError(
                    code: .outOfOrder, child: child.name,
                    message:
                        "child \"\(child.name)\" (stage \(child.stage)) is listed after \"\(previous.name)\" (stage \(previous.stage)); "
                        + "the tree must start in the order infrastructure, state, pure agents, LLM agents, coordinator, web"
                )
            }
        }
        self.name = name
        self.children = children
        self.options = options
        self.clock = clock
        var logger = logger
        logger[metadataKey: "supervisor.name"] = "\(name)"
        self.logger = logger
    }

    private struct Exit: Sendable {
        var index: Int
        var generation: UInt64
        var error: (any Error)?
    }

    private enum Event: Sendable {
        case exited(Exit)
        case shutdown
    }

    private struct Running {
        var group: ServiceGroup
        var generation: UInt64
        var finished: AsyncStream<Void>
    }

    public func run() async throws {
        let (events, sink) = AsyncStream<Event>.makeStream()
        var machine = SupervisorStateMachine<C.Instant>(
            restartTypes: children.map(\.restart), strategy: options.strategy,
            maxRestarts: options.maxRestarts, period: options.period)
        var running: [Int: Running] = [:]
        var generation: UInt64 = 0

        try await withThrowingDiscardingTaskGroup { group in
            /// Creates child `index` and runs it in a service group of its own, which gives it
            /// its own graceful shutdown.
            func start(_ index: Int) async throws {
                let spec = children[index]
                let service = try await spec.makeService()
                var configuration = ServiceGroupConfiguration(
                    services: [
                        .init(
                            service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                            failureTerminationBehavior: .gracefullyShutdownGroup)
                    ],
                    logger: logger)
                configuration.maximumGracefulShutdownDuration = options.shutdownTimeout
                let serviceGroup = ServiceGroup(configuration: configuration)
                generation += 1
                let (finished, finishedSink) = AsyncStream<Void>.makeStream()
                let exit = Exit(index: index, generation: generation, error: nil)
                group.addTask {
                    var exit = exit
                    do {
                        // Shield the child from the supervisor's own graceful shutdown: a
                        // nested ServiceGroup would otherwise hear it and every child would
                        // stop at once. The supervisor stops children one by one, in reverse
                        // order, through `serviceGroup.triggerGracefulShutdown()`.
                        try await withoutGracefulShutdownScope { try await serviceGroup.run() }
                    } catch {
                        exit.error = error
                    }
                    finishedSink.finish()
                    sink.yield(.exited(exit))
                }
                running[index] = Running(group: serviceGroup, generation: generation, finished: finished)
                machine.started(index)
                startedNames.withLock { $0.append(spec.name) }
                logger.debug("child started", metadata: ["supervisor.child": "\(spec.name)"])
            }

            /// Stops child `index` gracefully and waits until it has finished.
            func stop(_ index: Int) async {
                guard let child = running.removeValue(forKey: index) else { return }
                machine.stopped(index)
                await child.group.triggerGracefulShutdown()
                for await _ in child.finished {}
                logger.debug("child stopped", metadata: ["supervisor.child": "\(children[index].name)"])
            }

            func stopAll() async {
                for index in machine.stopOrder { await stop(index) }
            }

            for index in children.indices {
                do {
                    try await start(index)
                } catch {
                    await stopAll()
                    throw SupervisorError(
                        code: .startFailed, child: children[index].name,
                        message: "child \"\(children[index].name)\" failed to start", underlying: error)
                }
            }

            try await withGracefulShutdownHandler {
                for await event in events {
                    guard case .exited(let exit) = event else {
                        await stopAll()
                        return
                    }
                    // An exit from a child we stopped ourselves is expected.
                    guard running[exit.index]?.generation == exit.generation else { continue }
                    running[exit.index] = nil
                    let spec = children[exit.index]
                    var metadata: Logger.Metadata = ["supervisor.child": "\(spec.name)"]
                    if let error = exit.error { metadata["error"] = "\(error)" }
                    let decision = machine.childExited(exit.index, failed: exit.error != nil, at: clock.now)
                    switch decision {
                    case .none:
                        logger.info("child exited; not restarted (\(spec.restart))", metadata: metadata)
                    case .escalate:
                        logger.error("restart intensity exceeded; stopping the tree", metadata: metadata)
                        await stopAll()
                        throw SupervisorError(
                            code: .restartIntensityExceeded, child: spec.name,
                            message:
                                "child \"\(spec.name)\" exited after \(options.maxRestarts) restarts within \(options.period)",
                            underlying: exit.error)
                    case .restart(let toStop, let toStart):
                        logger.warning("child exited; restarting (\(options.strategy.rawValue))", metadata: metadata)
                        Counter(label: "switchyard_supervisor_restarts_total", dimensions: [("child", spec.name)])
                            .increment()
                        for index in toStop { await stop(index) }
                        for index in toStart {
                            do {
                                try await start(index)
                            } catch {
                                // A child that cannot be re-created counts as one that crashed again.
                                generation += 1
                                running[index] = Running(
                                    group: ServiceGroup(services: [], logger: logger), generation: generation,
                                    finished: AsyncStream { $0.finish() })
                                machine.started(index)
                                sink.yield(.exited(Exit(index: index, generation: generation, error: error)))
                            }
                        }
                    }
                }
            } onGracefulShutdown: {
                sink.yield(.shutdown)
            }
        }
    }

    /// The names of the children started so far, in start order (restarts included).
    public var startLog: [String] { startedNames.withLock { $0 } }
}

extension Supervisor where C == ContinuousClock {
    /// A supervisor on the continuous clock.
    public convenience init(
        _ name: String = "supervisor",
        children: [ChildSpec],
        options: SupervisorOptions = .init(),
        logger: Logger = Logger(label: "switchyard.supervisor")
    ) throws(SupervisorError) {
        try self.init(name, children: children, options: options, clock: ContinuousClock(), logger: logger)
    }
}
