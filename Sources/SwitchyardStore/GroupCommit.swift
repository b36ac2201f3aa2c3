import GRDB
import Synchronization

/// Durable writes from many concurrent callers, committed together.
///
/// The callers' closures run in one shared transaction, which commits once (one `fsync` for
/// the whole group); only then does each caller get its result. If a closure throws, the
/// group is written again with each closure in its own savepoint, so the one that threw rolls
/// back alone — closures must therefore only touch the database (one may run twice).
///
/// Groups are written on the database's writer queue, one after another while writes are
/// waiting: while one group commits, the next gathers, so under load a group holds about as
/// many writes as arrived during one commit, and a lone caller gets a plain transaction. No
/// task waits on the writer but the callers themselves, each resumed once its group has
/// committed.
public final class GroupCommit: Sendable {
    /// One write of a group: a caller's closure, or a batch of writes (``WriteBatch``).
    struct Item: Sendable {
        /// Runs the write and records its outcome; isolated in a savepoint (never throwing)
        /// when `isolated`, else rethrowing its error so the transaction aborts.
        let run: @Sendable (Database, _ isolated: Bool) throws -> Void
        /// Called once the group has committed (`nil`: the recorded outcome stands) or failed
        /// to (the error, for every write of the group).
        let completed: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var waiting: [Item] = []
        /// Whether a group is queued on, or being written by, the writer queue.
        var draining = false
    }

    public let database: SQLiteDatabase
    /// The most writes one transaction holds (a ``WriteBatch``'s batch counts as one, and
    /// holds at most as many). Default 512.
    public let maximumGroupSize: Int
    private let state = Mutex(State())

    public init(database: SQLiteDatabase, maximumGroupSize: Int = 512) {
        precondition(maximumGroupSize >= 1, "Switchyard: a group holds at least one write")
        self.database = database
        self.maximumGroupSize = maximumGroupSize
    }

    /// Runs `body` in the next group's transaction and returns its result once that
    /// transaction has committed. An error thrown by `body` rolls back its own writes only and
    /// is rethrown here; an error committing the group is thrown to every caller in it.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let run: @Sendable (Database, Bool) throws -> Void = { db, isolated in
            guard isolated else {
                let value = try body(db)
                outcome.withLock { $0 = .success(value) }
                return
            }
            let result = Result { try db.savepoint { try body(db) } }
            outcome.withLock { $0 = result }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            submit(
                Item(run: run) { error in
                    if let error { outcome.withLock { $0 = .failure(error) } }
                    continuation.resume()
                })
        }
        return try outcome.withLock { $0! }.get()
    }

    /// Queues `item` for the next group, and starts writing groups if none is being written.
    func submit(_ item: Item) {
        let start = state.withLock { state -> Bool in
            state.waiting.append(item)
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if start { database.pool.asyncWriteWithoutTransaction { db in self.drain(db) } }
    }

    /// On the writer queue: writes one group, then, if writes are waiting, queues the next
    /// behind any other writer's work (claims, migrations), so none of it waits for a lull.
    private func drain(_ db: Database) {
        let group = state.withLock { state -> [Item] in
            let group = Array(state.waiting.prefix(maximumGroupSize))
            state.waiting.removeFirst(group.count)
            return group
        }
        var commitError: (any Error)?
        do {
            // Optimistically, without savepoints (two statements per write saved).
            try db.inTransaction(.immediate) {
                for item in group { try item.run(db, false) }
                return .commit
            }
        } catch {
            do {
                // A write threw (or the commit failed): again, each write in its savepoint.
                try db.inTransaction(.immediate) {
                    for item in group { try item.run(db, true) }
                    return .commit
                }
            } catch {
                // The commit failed: no write of the group is durable.
                commitError = error
            }
        }
        let more = state.withLock { state -> Bool in
            state.draining = !state.waiting.isEmpty
            return state.draining
        }
        if more { database.pool.asyncWriteWithoutTransaction { db in self.drain(db) } }
        for item in group { item.completed(commitError) }
    }
}

extension Database {
    /// `body`'s result, with its writes in a savepoint of their own: rolled back alone if it
    /// throws.
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        var value: T?
        try inSavepoint {
            value = try body()
            return .commit
        }
        return value!
    }
}
