import Foundation

/// How a ``WorkerPool`` runs.
public struct WorkerPoolConfiguration: Sendable {
    /// Jobs processed at once (handler tasks). Default 4.
    public var concurrency: Int
    /// Jobs claimed ahead of the handlers, so one claim statement serves many jobs. They are
    /// leased and heartbeated while they wait, and released on shutdown. `nil` (the default)
    /// adapts: about 50 ms of work at the measured job duration, between `concurrency` and
    /// 256 — large batches for short jobs, no hoarding of long ones.
    public var prefetch: Int?
    /// How long a claim lasts without a heartbeat. Default 30 s.
    public var lease: Duration
    /// How often leases of held jobs are extended. Default 10 s.
    public var heartbeatInterval: Duration
    /// How often the queue is polled when nothing in this process wakes the pool. Default 1 s.
    public var pollInterval: Duration
    /// How often expired leases are rescued. Default 15 s.
    public var rescueInterval: Duration
    /// The delay between attempts.
    public var backoff: Backoff
    /// Completed jobs older than this are deleted (checked with each rescue); `nil` keeps
    /// them. Default 7 days.
    public var retention: Duration?
    /// This pool's identity in leases. Default: host, process id and a random suffix.
    public var owner: String

    public init(
        concurrency: Int = 4, prefetch: Int? = nil, lease: Duration = .seconds(30),
        heartbeatInterval: Duration = .seconds(10),
        pollInterval: Duration = .seconds(1), rescueInterval: Duration = .seconds(15), backoff: Backoff = .init(),
        retention: Duration? = .seconds(7 * 24 * 3600),
        owner: String =
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: .min ... .max))"
    ) {
        precondition(concurrency >= 1, "Switchyard: a worker pool's concurrency must be at least 1")
        precondition(prefetch.map { $0 >= 1 } ?? true, "Switchyard: prefetch must be at least 1")
        precondition(heartbeatInterval < lease, "Switchyard: the heartbeat interval must be shorter than the lease")
        self.concurrency = concurrency
        self.prefetch = prefetch
        self.lease = lease
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
        self.rescueInterval = rescueInterval
        self.backoff = backoff
        self.retention = retention
        self.owner = owner
    }
}
