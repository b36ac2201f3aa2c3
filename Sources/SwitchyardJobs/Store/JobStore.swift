import Foundation

/// Durable job storage: every transition is one atomic statement with a timestamp.
///
/// Workers talk only to this protocol, so SQLite (``SQLiteJobStore``) and a later
/// PostgreSQL store (`FOR UPDATE SKIP LOCKED`) are interchangeable.
public protocol JobStore: Sendable {
    /// Inserts a job; with a unique key already pending or processing in its queue, returns
    /// that job instead.
    func enqueue(_ job: NewJob) async throws -> EnqueueResult

    /// Atomically claims up to `limit` due `pending` jobs of `queue`, oldest due first: each
    /// becomes `processing`, its attempt counted, leased to `owner` until now + `lease`.
    func claim(queue: String, limit: Int, owner: String, lease: TimeInterval) async throws -> [Job]

    /// Extends the leases `owner` still holds on `ids`; returns how many it extended.
    func heartbeat(ids: [Int64], owner: String, lease: TimeInterval) async throws -> Int

    /// `processing → completed`, only if the job is still processing and leased to `owner`
    /// (fencing). Returns whether it applied.
    func complete(id: Int64, owner: String, result: String?) async throws -> Bool

    /// Completes several jobs in one transaction (group commit), each fenced as in
    /// ``complete(id:owner:result:)``. Returns, per item, whether it applied.
    func completeMany(_ items: [(id: Int64, result: String?)], owner: String) async throws -> [Bool]

    /// A thrown error: `processing → pending` (due at `retryAt`) or, with `retryAt` `nil`,
    /// `processing → stuck`; fenced like ``complete(id:owner:result:)``.
    func fail(id: Int64, owner: String, error: String, retryAt: Date?) async throws -> Bool

    /// Graceful shutdown: `processing → pending` at once, giving the attempt back; fenced.
    func release(id: Int64, owner: String) async throws -> Bool

    /// Jobs whose lease expired: back to `pending` when attempts remain, else `stuck`.
    func rescueExpired() async throws -> (requeued: Int, stuck: Int)

    /// `pending`/`processing → cancelled`. Returns whether it applied.
    func cancel(id: Int64) async throws -> Bool

    func job(id: Int64) async throws -> Job?
    func counts() async throws -> [JobCount]

    /// When the next `pending` job of `queue` becomes due, if any.
    func nextDue(queue: String) async throws -> Date?

    /// Deletes `completed` jobs finished before `cutoff`; returns how many.
    func pruneCompleted(finishedBefore cutoff: Date) async throws -> Int

    /// Wakes waiters on in-process enqueues.
    var notifier: JobNotifier { get }
}

extension JobStore {
    /// One transaction per item, for stores without group commit.
    public func completeMany(_ items: [(id: Int64, result: String?)], owner: String) async throws -> [Bool] {
        var applied: [Bool] = []
        for item in items { applied.append(try await complete(id: item.id, owner: owner, result: item.result)) }
        return applied
    }
}
