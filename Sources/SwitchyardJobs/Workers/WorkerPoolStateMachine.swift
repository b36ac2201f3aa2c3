import DequeModule

/// The rules of a ``WorkerPool``'s buffer of claimed jobs, with no locking, no clock and no
/// I/O.
///
/// The pool holds one of these behind a mutex and carries out the actions it returns (claim
/// up to a limit, run a job, wake the claimer, release jobs) after releasing the lock.
///
/// - The claimer asks ``nextClaim()`` how many jobs to claim; one claim is in flight at a
///   time, and the jobs claimed and not started never exceed the prefetch target.
/// - Each handler asks ``startNext()`` for a job; at most `concurrency` run at once.
/// - Every claimed job stays *held* (its lease heartbeated) until its outcome is recorded or
///   it is released: ``settled(_:)``.
/// - Draining (graceful shutdown) stops claims and starts, hands back the jobs not started
///   (``takeUnstarted()``), and leaves running jobs to finish: the pool is drained once none
///   runs and none is held.
struct WorkerPoolStateMachine {
    /// What the claimer does next.
    enum ClaimAction: Equatable {
        /// Claim at most this many jobs, then report them with ``claimed(_:)``.
        case claim(limit: Int)
        /// The buffer is more than half full (or a claim is in flight): wait until a handler
        /// frees room.
        case waitForRoom
        /// Draining: claim nothing more.
        case stop
    }

    /// What the claimer does with jobs it claimed.
    enum ClaimedAction: Equatable {
        /// Nothing was claimed.
        case none
        /// Jobs entered the buffer: wake idle handlers.
        case wakeHandlers
        /// The unstarted jobs were handed back already: release these at once.
        case release([Job])
    }

    /// What a handler does next.
    enum StartAction: Equatable {
        /// Run this job; with `wakeClaimer`, the buffer dropped to half and the claimer should
        /// refill it.
        case run(Job, wakeClaimer: Bool)
        /// Nothing is buffered (or every handler slot is busy): wait until that changes.
        case wait
        /// Draining: start nothing more.
        case stop
    }

    let concurrency: Int
    /// ``WorkerPoolConfiguration/prefetch``; `nil` adapts to the measured run time.
    let fixedPrefetch: Int?

    /// Claimed, waiting for a handler.
    private(set) var ready: Deque<Job> = []
    /// In a handler now.
    private(set) var running = 0
    /// Every job this pool holds a lease on.
    private(set) var held: Set<Int64> = []
    /// Moving average of a job's run time in seconds; `nil` before the first job.
    private(set) var averageRunTime: Double?
    /// Whether graceful shutdown has begun.
    private(set) var isDraining = false
    /// The limit of the claim in flight, if any.
    private(set) var claimInFlight: Int?
    /// Whether the unstarted jobs were handed back: later claims are released at once.
    private(set) var unstartedTaken = false

    init(concurrency: Int, prefetch: Int?) {
        self.concurrency = concurrency
        self.fixedPrefetch = prefetch
    }

    init(_ configuration: WorkerPoolConfiguration) {
        self.init(concurrency: configuration.concurrency, prefetch: configuration.prefetch)
    }

    /// How many claimed jobs the buffer should hold (see ``WorkerPoolConfiguration/prefetch``):
    /// about 50 ms of work at the measured run time, between `concurrency` and 256.
    var prefetchTarget: Int {
        if let fixedPrefetch { return fixedPrefetch }
        guard let runTime = averageRunTime else { return max(2 * concurrency, 16) }
        let jobs = Double(concurrency) * 0.05 / max(runTime, 1e-6)
        return Int(min(max(jobs, Double(concurrency)), 256))
    }

    /// Drained: draining, no job running, none buffered and no lease held.
    var isDrained: Bool { isDraining && running == 0 && ready.isEmpty && held.isEmpty }

    // MARK: Claimer

    /// Whether to claim, and how many: the room left in the buffer, once it is at least half
    /// the target (one claim statement serves many jobs).
    mutating func nextClaim() -> ClaimAction {
        guard !isDraining else { return .stop }
        guard claimInFlight == nil else { return .waitForRoom }
        let target = prefetchTarget
        let room = target - ready.count
        guard room >= target - target / 2 else { return .waitForRoom }
        claimInFlight = room
        return .claim(limit: room)
    }

    /// The claim in flight returned `jobs` (empty when it failed or found none).
    mutating func claimed(_ jobs: [Job]) -> ClaimedAction {
        claimInFlight = nil
        guard !jobs.isEmpty else { return .none }
        held.formUnion(jobs.lazy.map(\.id))
        if unstartedTaken { return .release(jobs) }
        ready.append(contentsOf: jobs)
        return .wakeHandlers
    }

    // MARK: Handlers

    /// The next buffered job for a handler.
    mutating func startNext() -> StartAction {
        guard !isDraining else { return .stop }
        guard running < concurrency, let job = ready.popFirst() else { return .wait }
        running += 1
        return .run(job, wakeClaimer: ready.count <= prefetchTarget / 2)
    }

    /// A handler finished its job after `runTime` seconds (its outcome is recorded or queued).
    mutating func finished(runTime: Double) {
        precondition(running > 0, "Switchyard: a job finished that was not started")
        running -= 1
        averageRunTime = averageRunTime.map { 0.9 * $0 + 0.1 * runTime } ?? runTime
    }

    // MARK: Leases

    /// The jobs whose leases the heartbeat extends.
    var heldIDs: [Int64] { Array(held) }

    /// These jobs' leases are no longer this pool's (completed, failed or released).
    mutating func settled<IDs: Sequence<Int64>>(_ ids: IDs) {
        held.subtract(ids)
    }

    /// This job's lease is no longer this pool's.
    mutating func settled(_ id: Int64) {
        held.remove(id)
    }

    // MARK: Draining

    /// Graceful shutdown (or cancellation) began: no more claims, no more starts.
    mutating func beginDraining() {
        isDraining = true
    }

    /// The jobs claimed and not started, to release; the buffer is emptied, and jobs a claim
    /// still in flight returns are released too. Running jobs are left to finish.
    mutating func takeUnstarted() -> [Job] {
        isDraining = true
        unstartedTaken = true
        defer { ready.removeAll() }
        return Array(ready)
    }
}
