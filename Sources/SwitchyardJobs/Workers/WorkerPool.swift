import Foundation
import Logging
import Metrics
import ServiceLifecycle
import SwitchyardStore
import Synchronization

/// Runs a ``Worker`` over a ``JobStore`` as a swift-service-lifecycle service: each job
/// checked and claimed, marked processing, run, then marked completed or failed.
///
/// - A claimer keeps a buffer of claimed jobs (``WorkerPoolConfiguration/prefetch``), one
///   claim statement per refill; it sleeps until an in-process enqueue wakes it, the next
///   job falls due, or the poll interval passes — never a busy loop.
/// - `concurrency` handler tasks take jobs from the buffer and run the worker in do/catch.
/// - Completions are committed in groups (one durable transaction for every job that
///   finished while the previous one was written), fenced by the lease; failures are
///   recorded at once with their backoff, or as `stuck`.
/// - A heartbeat extends the leases of every held job; a rescuer returns jobs whose lease
///   expired (another process died) and prunes old completed jobs.
/// - On graceful shutdown it stops claiming, releases the jobs it had not started, lets
///   running jobs finish and their completions commit, and returns.
public final class WorkerPool<W: Worker, C: Clock>: Service, Sendable where C.Duration == Duration {
    private let worker: W
    private let store: any JobStore
    private let configuration: WorkerPoolConfiguration
    private let clock: C
    private let logger: Logger
    private let random: @Sendable () -> Double
    private let now: @Sendable () -> Date
    /// The buffer, the running count, the held leases and draining: decided by the state
    /// machine, carried out here.
    private let state: Mutex<WorkerPoolStateMachine>
    /// Signalled when jobs enter the buffer, and on shutdown: idle handlers wait on it.
    private let jobsReady = WakeSignal()
    /// Signalled when the buffer drops to half, and on shutdown: the claimer waits on it.
    private let roomFreed = WakeSignal()
    /// Signalled on shutdown: a claimer sleeping until the next poll waits on it too.
    private let stopping = WakeSignal()
    private let completions = CompletionBatch()

    public init(
        _ worker: W, store: any JobStore, configuration: WorkerPoolConfiguration = .init(), clock: C,
        now: @escaping @Sendable () -> Date = Date.init,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "switchyard.jobs")
    ) {
        self.worker = worker
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.now = now
        self.random = random
        self.state = Mutex(WorkerPoolStateMachine(configuration))
        var logger = logger
        logger[metadataKey: "job.queue"] = "\(worker.queue)"
        self.logger = logger
    }

    /// Jobs being processed now.
    public var runningCount: Int { state.withLock { $0.running } }

    /// Whether graceful shutdown has begun: the pool claims nothing more.
    public var isDraining: Bool { state.withLock { $0.isDraining } }

    public func run() async throws {
        await withDiscardingTaskGroup { periodic in
            periodic.addTask { await self.every(self.configuration.heartbeatInterval) { try await self.heartbeat() } }
            periodic.addTask { await self.every(self.configuration.rescueInterval) { try await self.rescue() } }
            await withDiscardingTaskGroup { committer in
                committer.addTask { await self.flushCompletions() }
                await withDiscardingTaskGroup { handlers in
                    for _ in 0..<configuration.concurrency {
                        handlers.addTask { await self.handle() }
                    }
                    await withGracefulShutdownHandler {
                        await self.claimLoop()
                    } onGracefulShutdown: {
                        self.state.withLock { $0.beginDraining() }
                        self.roomFreed.notify()
                        self.stopping.notify()
                    }
                    state.withLock { $0.beginDraining() }
                    jobsReady.notify()
                    await releaseUnstarted()
                }
                // Every handler has returned: commit what they finished, then stop.
                completions.finish()
            }
            // Leases were heartbeated until the last completion committed.
            periodic.cancelAll()
        }
    }

    private var isStopping: Bool { isDraining || Task.isCancelled }

    /// Keeps the buffer of claimed jobs topped up.
    private func claimLoop() async {
        while true {
            let seen = roomFreed.version  // read before the stop check, so a shutdown signal is never missed
            guard !Task.isCancelled else { return }
            let limit: Int
            switch state.withLock({ $0.nextClaim() }) {
            case .stop:
                return
            case .waitForRoom:
                await roomFreed.wait(afterVersion: seen)
                continue
            case .claim(let room):
                limit = room
            }
            let enqueued = store.notifier.version
            let jobs: [Job]
            do {
                jobs = try await store.claim(
                    queue: worker.queue, limit: limit, owner: configuration.owner,
                    lease: configuration.lease.timeInterval)
            } catch {
                _ = state.withLock { $0.claimed([]) }
                logger.error("claiming failed", metadata: ["error": "\(error)"])
                await sleepOrWake(seen: enqueued, until: clock.now.advanced(by: configuration.pollInterval))
                continue
            }
            guard !jobs.isEmpty else {
                _ = state.withLock { $0.claimed([]) }
                var deadline = clock.now.advanced(by: configuration.pollInterval)
                if let due = try? await store.nextDue(queue: worker.queue) {
                    let wait = Duration.seconds(max(0, due.timeIntervalSince(now())))
                    if wait < configuration.pollInterval { deadline = clock.now.advanced(by: wait) }
                }
                await sleepOrWake(seen: enqueued, until: deadline)
                continue
            }
            Counter(label: "switchyard_jobs_claimed_total", dimensions: [("queue", worker.queue)]).increment(
                by: Int64(jobs.count))
            switch state.withLock({ $0.claimed(jobs) }) {
            case .none: break
            case .wakeHandlers: jobsReady.notify()
            case .release(let jobs): await release(jobs)
            }
        }
    }

    /// One handler task: runs buffered jobs until shutdown (which releases the rest).
    private func handle() async {
        while true {
            let seen = jobsReady.version
            guard !Task.isCancelled else { return }
            let job: Job
            switch state.withLock({ $0.startNext() }) {
            case .stop:
                return
            case .wait:
                await jobsReady.wait(afterVersion: seen)
                continue
            case .run(let next, let wakeClaimer):
                job = next
                if wakeClaimer { roomFreed.notify() }
            }
            let started = ContinuousClock.now
            await execute(job)
            let runTime = (ContinuousClock.now - started).timeInterval
            state.withLock { $0.finished(runTime: runTime) }
        }
    }

    /// Graceful shutdown: jobs claimed but not started go back to `pending` at once.
    private func releaseUnstarted() async {
        await release(state.withLock { $0.takeUnstarted() })
    }

    /// Gives claimed jobs that were not started back to `pending`.
    private func release(_ unstarted: [Job]) async {
        for job in unstarted {
            _ = try? await store.release(id: job.id, owner: configuration.owner)
            state.withLock { $0.settled(job.id) }
        }
        if !unstarted.isEmpty {
            logger.debug("released unstarted jobs", metadata: ["jobs.released": "\(unstarted.count)"])
        }
    }

    /// Sleeps until `deadline`, an in-process enqueue, or shutdown.
    private func sleepOrWake(seen: UInt64, until deadline: C.Instant) async {
        let stopSeen = stopping.version  // read before the stop check, so a shutdown signal is never missed
        guard !isStopping else { return }
        let clock = self.clock
        let notifier = store.notifier
        let stopping = self.stopping
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await notifier.wait(afterVersion: seen) }
            group.addTask { await stopping.wait(afterVersion: stopSeen) }
            group.addTask { try? await clock.sleep(until: deadline, tolerance: nil) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Processes one claimed job; its completion is queued for the next group commit, a
    /// failure recorded at once.
    func execute(_ job: Job) async {
        let payload: W.Payload
        do {
            payload = try job.decodePayload(as: W.Payload.self)
        } catch {
            // A payload that does not decode never will: no retry.
            logger(for: job).error("payload does not decode; job is stuck", metadata: ["error": "\(error)"])
            let failure = JobError(.payloadNotDecodable, detail: "\(error)")
            await recordFailure(job, error: failure.description, retryAt: nil)
            return
        }
        do {
            let output = try await worker.process(payload, job: job)
            let result = String(decoding: try JSONEncoder().encode(output), as: UTF8.self)
            completions.add(job, result: result)
        } catch {
            let outcome = JobStateMachine.afterFailure(
                attempt: job.attempt, maxAttempts: job.maxAttempts, now: now(), backoff: configuration.backoff,
                random: random())
            let retryAt: Date? = if case .retry(let at) = outcome { at } else { nil }
            await recordFailure(job, error: "\(error)", retryAt: retryAt)
        }
    }

    /// The pool's logger with the job's id and attempt (built only when something is logged:
    /// the success path logs nothing).
    private func logger(for job: Job) -> Logger {
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.attempt"] = "\(job.attempt)"
        return logger
    }

    private func recordFailure(_ job: Job, error: String, retryAt: Date?) async {
        let logger = logger(for: job)
        do {
            if try await store.fail(id: job.id, owner: configuration.owner, error: error, retryAt: retryAt) {
                let kind = retryAt == nil ? "stuck" : "retried"
                Counter(label: "switchyard_jobs_\(kind)_total", dimensions: [("queue", worker.queue)]).increment()
                logger.notice("job failed; \(retryAt == nil ? "stuck" : "will retry")", metadata: ["error": "\(error)"])
            }
        } catch {
            logger.error(
                "recording a failure failed; the lease will expire and the rescuer will retry",
                metadata: ["error": "\(error)"])
        }
        state.withLock { $0.settled(job.id) }
    }

    /// Commits queued completions, many per transaction, until ``CompletionBatch/finish()``
    /// and the last batch is written. On cancellation it stops at once: uncommitted
    /// completions are lost with their leases, and the jobs run again (at least once).
    private func flushCompletions() async {
        while true {
            let seen = completions.signal.version
            let batch = completions.take()
            if batch.isEmpty {
                if completions.isFinished || Task.isCancelled { return }
                await completions.signal.wait(afterVersion: seen)
                continue
            }
            var applied = Array(repeating: false, count: batch.count)
            do {
                applied = try await store.completeMany(batch.map { ($0.job.id, $0.result) }, owner: configuration.owner)
            } catch {
                logger.error(
                    "committing completions failed; the leases will expire and the jobs will run again",
                    metadata: ["error": "\(error)", "jobs.count": "\(batch.count)"])
            }
            let finished = now()
            for (item, ok) in zip(batch, applied) where ok {
                Timer(label: "switchyard_jobs_latency_seconds", dimensions: [("queue", worker.queue)])
                    .recordSeconds(finished.timeIntervalSince(item.job.createdAt))
            }
            let completed = applied.filter { $0 }.count
            Counter(label: "switchyard_jobs_completed_total", dimensions: [("queue", worker.queue)]).increment(
                by: Int64(completed))
            if completed < batch.count {
                logger.warning(
                    "completions refused: jobs no longer leased to this worker (rescued or cancelled)",
                    metadata: ["jobs.refused": "\(batch.count - completed)"])
            }
            state.withLock { $0.settled(batch.lazy.map(\.job.id)) }
        }
    }

    private func heartbeat() async throws {
        let ids = state.withLock { $0.heldIDs }
        _ = try await store.heartbeat(ids: ids, owner: configuration.owner, lease: configuration.lease.timeInterval)
    }

    private func rescue() async throws {
        let (requeued, stuck) = try await store.rescueExpired()
        if requeued + stuck > 0 {
            logger.notice(
                "rescued jobs with expired leases",
                metadata: ["jobs.requeued": "\(requeued)", "jobs.stuck": "\(stuck)"])
        }
        if let retention = configuration.retention {
            let pruned = try await store.pruneCompleted(
                finishedBefore: now().addingTimeInterval(-retention.timeInterval))
            if pruned > 0 { logger.debug("pruned completed jobs", metadata: ["jobs.pruned": "\(pruned)"]) }
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
            do { try await body() } catch {
                logger.error("periodic job-store task failed", metadata: ["error": "\(error)"])
            }
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
