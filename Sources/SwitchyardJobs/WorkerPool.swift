import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The code that runs one queue's jobs.
///
/// `process` either returns the result (the job completes) or throws (it is retried with
/// backoff, then marked `stuck` with the error kept). It is never fire-and-forget: the pool
/// records the outcome of every call.
public protocol Worker: Sendable {
    associatedtype Payload: Decodable & Sendable
    associatedtype Output: Encodable & Sendable

    /// The queue this worker serves.
    var queue: String { get }

    func process(_ payload: Payload, job: Job) async throws -> Output
}

/// How a ``WorkerPool`` runs.
public struct WorkerPoolConfiguration: Sendable {
    /// Jobs processed at once. Default 4.
    public var concurrency: Int
    /// Most jobs claimed per statement. Default: `concurrency`.
    public var batchSize: Int?
    /// How long a claim lasts without a heartbeat. Default 30 s.
    public var lease: Duration
    /// How often leases of running jobs are extended. Default 10 s.
    public var heartbeatInterval: Duration
    /// How often the queue is polled when nothing in this process wakes the pool. Default 1 s.
    public var pollInterval: Duration
    /// How often expired leases are rescued. Default 15 s.
    public var rescueInterval: Duration
    /// The delay between attempts.
    public var backoff: Backoff
    /// This pool's identity in leases. Default: host, process id and a random suffix.
    public var owner: String

    public init(
        concurrency: Int = 4, batchSize: Int? = nil, lease: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(10),
        pollInterval: Duration = .seconds(1), rescueInterval: Duration = .seconds(15), backoff: Backoff = .init(),
        owner: String =
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: .min ... .max))"
    ) {
        precondition(concurrency >= 1, "Switchyard: a worker pool's concurrency must be at least 1")
        precondition(heartbeatInterval < lease, "Switchyard: the heartbeat interval must be shorter than the lease")
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.lease = lease
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
        self.rescueInterval = rescueInterval
        self.backoff = backoff
        self.owner = owner
    }
}

/// Runs a ``Worker`` over a ``JobStore`` as a swift-service-lifecycle service: the seed's
/// worker state machine.
///
/// Claims due jobs in batches up to its free slots, processes each in a child task with
/// do/catch, and records completion or failure (fenced by its lease). A heartbeat extends
/// the leases of running jobs; a rescuer returns jobs whose lease expired. It sleeps until an
/// in-process enqueue wakes it, the next job falls due, or the poll interval passes — never
/// a busy loop. On graceful shutdown it stops claiming, lets running jobs finish, and
/// returns.
public final class WorkerPool<W: Worker, C: Clock>: Service, Sendable where C.Duration == Duration {
    private let worker: W
    private let store: any JobStore
    private let configuration: WorkerPoolConfiguration
    private let clock: C
    private let logger: Logger
    private let random: @Sendable () -> Double
    private let now: @Sendable () -> Date
    private let running = Mutex<Set<Int64>>([])
    private let slotFreed = JobNotifier()
    private let draining = Atomic<Bool>(false)

    public init(
        _ worker: W, store: any JobStore, configuration: WorkerPoolConfiguration = .init(), clock: C,
        now: @escaping @Sendable () -> Date = Date.init, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "switchyard.jobs")
    ) {
        self.worker = worker
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.now = now
        self.random = random
        var logger = logger
        logger[metadataKey: "job.queue"] = "\(worker.queue)"
        self.logger = logger
    }

    /// Jobs being processed now.
    public var runningCount: Int { running.withLock { $0.count } }

    /// Whether graceful shutdown has begun: the pool claims nothing more.
    public var isDraining: Bool { draining.load(ordering: .acquiring) }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.every(self.configuration.heartbeatInterval) { try await self.heartbeat() } }
            group.addTask { await self.every(self.configuration.rescueInterval) { try await self.rescue() } }
            await withGracefulShutdownHandler {
                await self.claimLoop(group: &group)
            } onGracefulShutdown: {
                self.draining.store(true, ordering: .releasing)
                self.slotFreed.notify()
                self.store.notifier.notify()
            }
            // Stopped claiming: let running jobs finish, then stop the heartbeat and rescuer.
            while runningCount > 0 {
                let seen = slotFreed.version
                if runningCount == 0 { break }
                await slotFreed.wait(afterVersion: seen)
            }
            group.cancelAll()
        }
    }

    private var isStopping: Bool { isDraining || Task.isCancelled }

    private func claimLoop(group: inout DiscardingTaskGroup) async {
        let batch = configuration.batchSize ?? configuration.concurrency
        while !isStopping {
            let free = configuration.concurrency - runningCount
            if free <= 0 {
                let seen = slotFreed.version
                if configuration.concurrency - runningCount <= 0 { await slotFreed.wait(afterVersion: seen) }
                continue
            }
            let seen = store.notifier.version
            let jobs: [Job]
            do {
                jobs = try await store.claim(
                    queue: worker.queue, limit: min(batch, free), owner: configuration.owner,
                    lease: configuration.lease.seconds)
            } catch {
                logger.error("claiming failed", metadata: ["error": "\(error)"])
                await sleepOrWake(seen: seen, until: clock.now.advanced(by: configuration.pollInterval))
                continue
            }
            if jobs.isEmpty {
                var deadline = clock.now.advanced(by: configuration.pollInterval)
                if let due = try? await store.nextDue(queue: worker.queue) {
                    let wait = Duration.seconds(max(0, due.timeIntervalSince(now())))
                    if wait < configuration.pollInterval { deadline = clock.now.advanced(by: wait) }
                }
                await sleepOrWake(seen: seen, until: deadline)
                continue
            }
            Counter(label: "switchyard_jobs_claimed_total", dimensions: [("queue", worker.queue)]).increment(by: Int64(jobs.count))
            running.withLock { $0.formUnion(jobs.map(\.id)) }
            for job in jobs {
                group.addTask {
                    await self.execute(job)
                    self.running.withLock { _ = $0.remove(job.id) }
                    self.slotFreed.notify()
                }
            }
        }
    }

    /// Sleeps until `deadline`, an in-process enqueue, or shutdown.
    private func sleepOrWake(seen: UInt64, until deadline: C.Instant) async {
        guard !isStopping else { return }
        let clock = self.clock
        let notifier = store.notifier
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await notifier.wait(afterVersion: seen) }
            group.addTask { try? await clock.sleep(until: deadline, tolerance: nil) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Processes one claimed job and records its outcome.
    func execute(_ job: Job) async {
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.attempt"] = "\(job.attempt)"
        let owner = configuration.owner
        let payload: W.Payload
        do {
            payload = try job.decodePayload(as: W.Payload.self)
        } catch {
            // A payload that does not decode never will: no retry.
            logger.error("payload does not decode; job is stuck", metadata: ["error": "\(error)"])
            _ = try? await store.fail(id: job.id, owner: owner, error: "payload does not decode: \(error)", retryAt: nil)
            Counter(label: "switchyard_jobs_stuck_total", dimensions: [("queue", worker.queue)]).increment()
            return
        }
        do {
            let output = try await worker.process(payload, job: job)
            let result = String(decoding: try JSONEncoder().encode(output), as: UTF8.self)
            if try await store.complete(id: job.id, owner: owner, result: result) {
                Counter(label: "switchyard_jobs_completed_total", dimensions: [("queue", worker.queue)]).increment()
                Timer(label: "switchyard_jobs_latency_seconds", dimensions: [("queue", worker.queue)])
                    .recordSeconds(now().timeIntervalSince(job.createdAt))
                logger.debug("job completed")
            } else {
                logger.warning("completion refused: the job is no longer leased to this worker (rescued or cancelled)")
            }
        } catch {
            let outcome = JobStateMachine.afterFailure(
                attempt: job.attempt, maxAttempts: job.maxAttempts, now: now(), backoff: configuration.backoff, random: random())
            let retryAt: Date? = if case .retry(let at) = outcome { at } else { nil }
            do {
                if try await store.fail(id: job.id, owner: owner, error: "\(error)", retryAt: retryAt) {
                    let kind = retryAt == nil ? "stuck" : "retried"
                    Counter(label: "switchyard_jobs_\(kind)_total", dimensions: [("queue", worker.queue)]).increment()
                    logger.notice("job failed; \(retryAt == nil ? "stuck" : "will retry")", metadata: ["error": "\(error)"])
                }
            } catch {
                logger.error("recording a failure failed; the lease will expire and the rescuer will retry", metadata: ["error": "\(error)"])
            }
        }
    }

    private func heartbeat() async throws {
        let ids = Array(running.withLock { $0 })
        _ = try await store.heartbeat(ids: ids, owner: configuration.owner, lease: configuration.lease.seconds)
    }

    private func rescue() async throws {
        let (requeued, stuck) = try await store.rescueExpired()
        if requeued + stuck > 0 {
            logger.notice("rescued jobs with expired leases", metadata: ["jobs.requeued": "\(requeued)", "jobs.stuck": "\(stuck)"])
        }
    }

    /// Runs `body` every `interval` until cancelled; errors are logged, not fatal.
    private func every(_ interval: Duration, _ body: () async throws -> Void) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            do { try await body() } catch { logger.error("periodic job-store task failed", metadata: ["error": "\(error)"]) }
        }
    }
}

extension WorkerPool where C == ContinuousClock {
    public convenience init(
        _ worker: W, store: any JobStore, configuration: WorkerPoolConfiguration = .init(),
        logger: Logger = Logger(label: "switchyard.jobs")
    ) {
        self.init(worker, store: store, configuration: configuration, clock: ContinuousClock(), logger: logger)
    }
}

extension Duration {
    var seconds: TimeInterval { TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18 }
}
