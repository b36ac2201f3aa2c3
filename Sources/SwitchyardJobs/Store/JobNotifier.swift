/// Wakes workers when a job is enqueued in this process, so they need not poll for it.
public final class JobNotifier: Sendable {
    private let signal = WakeSignal()

    public init() {}

    /// Increases with every enqueue.
    public var version: UInt64 { signal.version }

    /// Wakes every waiter.
    public func notify() { signal.notify() }

    /// Returns once ``version`` differs from `seen`, or the task is cancelled.
    public func wait(afterVersion seen: UInt64) async { await signal.wait(afterVersion: seen) }
}
