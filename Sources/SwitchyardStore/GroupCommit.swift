import GRDB
import Synchronization

/// Durable writes from many concurrent callers, committed together.
///
/// The callers' closures run in one shared transaction, which commits once (one `fsync` for
/// the whole group); only then does each caller get its result. If a closure throws, the
/// group is written again with each closure in its own savepoint, so the one that threw rolls
/// back alone — closures must therefore only touch the database (one may run twice).
///
/// While a group is being written the next one gathers, so under load a group holds about as
/// many writes as arrived during one commit, and with a single caller it is a plain
/// transaction.
///
/// No background task: the first caller to find no group in flight writes the group (its
/// leader); when it is done it hands the lead to the first caller still waiting.
public final class GroupCommit: Sendable {
    private struct Item {
        let id: UInt64
        /// Runs the caller's closure and records its outcome; isolated in a savepoint (never
        /// throwing) when `isolated`, else rethrowing its error so the transaction aborts.
        let run: @Sendable (Database, _ isolated: Bool) throws -> Void
        /// Records that the group's commit failed.
        let fail: @Sendable (any Error) -> Void
        let continuation: CheckedContinuation<Turn, Never>
    }

    /// What a waiting caller is told when it is resumed.
    private enum Turn {
        /// Its write's outcome is recorded.
        case done
        /// It is first in line and no one is writing: it writes the next group.
        case lead
    }

    private struct State {
        var waiting: [Item] = []
        var writing = false
        var nextID: UInt64 = 0
    }

    public let database: SQLiteDatabase
    /// The most writes one transaction holds. Default 512.
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
            do {
                var value: T?
                try db.inSavepoint {
                    value = try body(db)
                    return .commit
                }
                outcome.withLock { $0 = .success(value!) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
        }
        let fail: @Sendable (any Error) -> Void = { error in outcome.withLock { $0 = .failure(error) } }
        let id = state.withLock { state in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let lead = state.withLock { state -> Bool in
                state.waiting.append(Item(id: id, run: run, fail: fail, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        if case .lead = turn { await writeGroup(leader: id) }
        return try outcome.withLock { $0! }.get()
    }

    /// The leader (first in line, already resumed) writes one group, resumes the others in
    /// it, and hands the lead to the first caller still waiting.
    private func writeGroup(leader: UInt64) async {
        let group = state.withLock { state in
            let group = Array(state.waiting.prefix(maximumGroupSize))
            state.waiting.removeFirst(group.count)
            return group
        }
        do {
            // Optimistically, without savepoints (two statements per write saved).
            try await database.pool.write { db in
                for item in group { try item.run(db, false) }
            }
        } catch {
            do {
                // A write threw (or the commit failed): again, each write in its savepoint.
                try await database.pool.write { db in
                    for item in group { try item.run(db, true) }
                }
            } catch {
                // The commit failed: no write of the group is durable.
                for item in group { item.fail(error) }
            }
        }
        let next = state.withLock { state -> Item? in
            guard let next = state.waiting.first else {
                state.writing = false
                return nil
            }
            return next  // stays first in line: it takes itself into its group
        }
        for item in group where item.id != leader { item.continuation.resume(returning: .done) }
        next?.continuation.resume(returning: .lead)
    }
}
