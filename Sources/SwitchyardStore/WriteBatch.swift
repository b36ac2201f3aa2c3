import GRDB
import Synchronization

/// Writes of one kind, made by concurrent callers through a ``GroupCommit``, handed to
/// `body` together: each group's writes of this kind arrive in one call, so it can make them
/// with one multi-row statement instead of a few statements per write (Oban's `insert_all`,
/// River's `InsertMany`, but for callers that never see each other).
///
/// `body` runs inside the group's transaction and returns one output per write, in order.
/// If it throws, the writes are made again one by one, each in a savepoint of its own, so
/// only the write at fault fails. Like every group write, `body` must only touch the
/// database: it may run more than once for the same writes.
public final class WriteBatch<Write: Sendable, Output: Sendable>: Sendable {
    public let writer: GroupCommit
    private let body: @Sendable ([Write], Database) throws -> [Output]
    /// The batch gathering writes, until its group's transaction takes it.
    private let open = Mutex<Batch?>(nil)

    /// How many writes are gathering for the next group (tests).
    var gathering: Int { open.withLock { $0?.writes.count ?? 0 } }

    public init(writer: GroupCommit, body: @escaping @Sendable (_ writes: [Write], Database) throws -> [Output]) {
        self.writer = writer
        self.body = body
    }

    /// Makes `write` with the others of its group and returns its output once that group has
    /// committed. An error thrown for it alone rolls back its own writes only; an error
    /// committing the group is thrown to every caller in it.
    public func write(_ write: Write) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let opened = open.withLock { open -> Batch? in
                if let batch = open, batch.writes.count < writer.maximumGroupSize {
                    batch.writes.append(write)
                    batch.waiters.append(continuation)
                    return nil
                }
                open = Batch(write, continuation)
                return open
            }
            guard let batch = opened else { return }
            writer.submit(
                GroupCommit.Item(
                    run: { db, isolated in try self.run(batch, in: db, isolated: isolated) },
                    completed: { error in batch.complete(error) }))
        }
    }

    /// In the group's transaction (on the writer queue).
    private func run(_ batch: Batch, in db: Database, isolated: Bool) throws {
        // No write joins a batch once it runs: later ones open the next batch.
        open.withLock { open in
            if open === batch { open = nil }
        }
        let writes = batch.writes
        if !isolated {
            do {
                batch.outcomes = try outputs(of: writes, in: db).map { .success($0) }
            } catch {
                batch.threw = true
                throw error
            }
            return
        }
        // The group is written again because a write of it threw: this batch whole, in a
        // savepoint, unless it is the one that threw; then each write in a savepoint of its own.
        if !batch.threw, let outputs = try? db.savepoint({ try self.outputs(of: writes, in: db) }) {
            batch.outcomes = outputs.map { .success($0) }
            return
        }
        batch.outcomes = writes.map { write in Result { try db.savepoint { try self.outputs(of: [write], in: db)[0] } }
        }
    }

    private func outputs(of writes: [Write], in db: Database) throws -> [Output] {
        let outputs = try body(writes, db)
        precondition(outputs.count == writes.count, "Switchyard: a WriteBatch body returns one output per write")
        return outputs
    }

    /// The writes of one group. While gathering it is touched only under `open`'s lock; once
    /// taken, only by the writer queue, which then completes it.
    private final class Batch: @unchecked Sendable {
        var writes: [Write]
        var waiters: [CheckedContinuation<Output, any Error>]
        var outcomes: [Result<Output, any Error>] = []
        /// Whether `body` threw for the whole batch.
        var threw = false

        init(_ write: Write, _ waiter: CheckedContinuation<Output, any Error>) {
            writes = [write]
            waiters = [waiter]
        }

        /// After the group's commit (`nil`) or its failure.
        func complete(_ error: (any Error)?) {
            for (index, waiter) in waiters.enumerated() {
                if let error {
                    waiter.resume(throwing: error)
                } else {
                    waiter.resume(with: outcomes[index])
                }
            }
        }
    }
}
