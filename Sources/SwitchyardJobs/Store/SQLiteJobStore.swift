import Foundation
import GRDB
import SwitchyardStore
import Synchronization

/// The job table on SQLite (GRDB, WAL): every transition one atomic, fenced statement.
public final class SQLiteJobStore: JobStore {
    public let database: SQLiteDatabase
    public let notifier = JobNotifier()
    /// Where ``enqueue(_:)`` writes.
    public let writer: GroupCommit
    private let now: @Sendable () -> Date
    private let onComplete: (@Sendable (Int64, Database) throws -> Void)?

    /// The job table's indexes (made again when a migration rebuilds the table).
    private static let indexes = """
        -- Partial indexes: a transition moves a row between two small indexes instead
        -- of rewriting an entry in every index.
        -- claim and next-due: pending jobs of a queue by due time
        CREATE INDEX switchyard_jobs_due ON switchyard_jobs (queue, run_after, id) WHERE status = 'pending';
        -- rescue: processing jobs by lease expiry
        CREATE INDEX switchyard_jobs_leased ON switchyard_jobs (lease_expires_at) WHERE status = 'processing';
        -- prune: completed jobs by finish time
        CREATE INDEX switchyard_jobs_finished ON switchyard_jobs (finished_at) WHERE status = 'completed';
        -- counts by queue and status
        CREATE INDEX switchyard_jobs_queue_status ON switchyard_jobs (queue, status);
        -- at most one live job per queue and unique key
        CREATE UNIQUE INDEX switchyard_jobs_unique ON switchyard_jobs (queue, unique_key)
            WHERE unique_key IS NOT NULL AND status IN ('pending', 'processing');
        """

    /// The job table's schema, applied by ``init(database:now:)``.
    public static let migrations = [
        Migration(
            name: "switchyard_jobs_001",
            sql: """
                CREATE TABLE switchyard_jobs (
                    id INTEGER PRIMARY KEY,
                    queue TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'stuck', 'cancelled')),
                    attempt INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
                    run_after REAL NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at REAL,
                    last_error TEXT,
                    result TEXT,
                    unique_key TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    finished_at REAL
                );
                \(indexes)
                """),
        Migration(
            name: "switchyard_jobs_002",
            sql: """
                -- Job ids are seen by clients: AUTOINCREMENT never hands one out again, even once
                -- the newest jobs are pruned. A job records its owner, which status routes check.
                CREATE TABLE switchyard_jobs_002 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    queue TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'stuck', 'cancelled')),
                    attempt INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
                    run_after REAL NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at REAL,
                    last_error TEXT,
                    result TEXT,
                    unique_key TEXT,
                    owner TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    finished_at REAL
                );
                INSERT INTO switchyard_jobs_002 (
                    id, queue, payload, status, attempt, max_attempts, run_after, lease_owner, lease_expires_at, last_error,
                    result, unique_key, created_at, updated_at, finished_at)
                SELECT id, queue, payload, status, attempt, max_attempts, run_after, lease_owner, lease_expires_at, last_error,
                    result, unique_key, created_at, updated_at, finished_at
                FROM switchyard_jobs;
                DROP TABLE switchyard_jobs;
                ALTER TABLE switchyard_jobs_002 RENAME TO switchyard_jobs;
                \(indexes)
                """),
    ]

    // The SQL the store runs, named, so the index audit checks exactly these.
    enum SQL {
        /// Every column, in the order ``Job/init(row:)`` reads them.
        static let columns = """
            id, queue, payload, status, attempt, max_attempts, run_after, lease_owner, lease_expires_at, last_error, \
            result, unique_key, created_at, updated_at, finished_at, owner
            """
        static let insert = """
            INSERT INTO switchyard_jobs (queue, payload, status, attempt, max_attempts, run_after, unique_key, owner, created_at, updated_at)
            VALUES (?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?)
            """
        /// Many jobs without a unique key, with ids given (see ``enqueue(_:in:)-([NewJob],_)``).
        static let insertMany = MultiRowInsert(
            into: "switchyard_jobs",
            columns: "id, queue, payload, status, attempt, max_attempts, run_after, owner, created_at, updated_at",
            row: "(?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)", autoincrement: true)
        static let findLive = """
            SELECT \(columns) FROM switchyard_jobs
            WHERE queue = ? AND unique_key = ? AND status IN ('pending', 'processing') AND unique_key IS NOT NULL
            """
        static let claim = """
            UPDATE switchyard_jobs
            SET status = 'processing', attempt = attempt + 1, lease_owner = ?, lease_expires_at = ?, updated_at = ?
            WHERE id IN (
                SELECT id FROM switchyard_jobs WHERE queue = ? AND status = 'pending' AND run_after <= ?
                ORDER BY run_after, id LIMIT ?)
            RETURNING \(columns)
            """
        static func heartbeat(count: Int) -> String {
            """
            UPDATE switchyard_jobs SET lease_expires_at = ?, updated_at = ?
            WHERE status = 'processing' AND lease_owner = ? AND id IN (\(databaseQuestionMarks(count: count)))
            """
        }
        static let complete = """
            UPDATE switchyard_jobs
            SET status = 'completed', result = ?, finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ? AND status = 'processing' AND lease_owner = ?
            """
        static let retry = """
            UPDATE switchyard_jobs
            SET status = 'pending', run_after = ?, last_error = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ? AND status = 'processing' AND lease_owner = ?
            """
        static let markStuck = """
            UPDATE switchyard_jobs
            SET status = 'stuck', last_error = ?, finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ? AND status = 'processing' AND lease_owner = ?
            """
        static let release = """
            UPDATE switchyard_jobs
            SET status = 'pending', attempt = attempt - 1, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ? AND status = 'processing' AND lease_owner = ?
            """
        static let rescueStuck = """
            UPDATE switchyard_jobs
            SET status = 'stuck', last_error = 'lease expired on the last attempt', finished_at = ?, updated_at = ?,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE status = 'processing' AND lease_expires_at < ? AND attempt >= max_attempts
            """
        static let rescueRequeue = """
            UPDATE switchyard_jobs
            SET status = 'pending', run_after = ?, last_error = 'lease expired', updated_at = ?,
                lease_owner = NULL, lease_expires_at = NULL
            WHERE status = 'processing' AND lease_expires_at < ?
            """
        static let cancel = """
            UPDATE switchyard_jobs
            SET status = 'cancelled', finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = ? AND status IN ('pending', 'processing')
            """
        static let byID = "SELECT \(columns) FROM switchyard_jobs WHERE id = ?"
        static let counts = "SELECT queue, status, COUNT(*) AS n FROM switchyard_jobs GROUP BY queue, status"
        static let nextDue = "SELECT MIN(run_after) FROM switchyard_jobs WHERE queue = ? AND status = 'pending'"
        static let prune = "DELETE FROM switchyard_jobs WHERE status = 'completed' AND finished_at < ?"
    }

    /// Every query the store runs, for ``SQLiteDatabase/auditIndexes(_:)``.
    public static let auditedQueries: [AuditedQuery] = [
        AuditedQuery(name: "jobs.insert", sql: SQL.insert, arguments: ["q", "{}", "5", "0", "k", "o", "0", "0"]),
        AuditedQuery(
            name: "jobs.insert_many", sql: SQL.insertMany.sql(rows: 4), arguments: Array(repeating: "0", count: 4 * 8)),
        AuditedQuery(name: "jobs.next_id", sql: SQL.insertMany.nextIDSQL),
        AuditedQuery(name: "jobs.find_live", sql: SQL.findLive, arguments: ["q", "k"]),
        AuditedQuery(name: "jobs.claim", sql: SQL.claim, arguments: ["w", "0", "0", "q", "0", "10"]),
        AuditedQuery(name: "jobs.heartbeat", sql: SQL.heartbeat(count: 2), arguments: ["0", "0", "w", "1", "2"]),
        AuditedQuery(name: "jobs.complete", sql: SQL.complete, arguments: ["{}", "0", "0", "1", "w"]),
        AuditedQuery(name: "jobs.retry", sql: SQL.retry, arguments: ["0", "e", "0", "1", "w"]),
        AuditedQuery(name: "jobs.mark_stuck", sql: SQL.markStuck, arguments: ["e", "0", "0", "1", "w"]),
        AuditedQuery(name: "jobs.release", sql: SQL.release, arguments: ["0", "1", "w"]),
        AuditedQuery(name: "jobs.rescue_stuck", sql: SQL.rescueStuck, arguments: ["0", "0", "0"]),
        AuditedQuery(name: "jobs.rescue_requeue", sql: SQL.rescueRequeue, arguments: ["0", "0", "0"]),
        AuditedQuery(name: "jobs.cancel", sql: SQL.cancel, arguments: ["0", "0", "1"]),
        AuditedQuery(name: "jobs.by_id", sql: SQL.byID, arguments: ["1"]),
        AuditedQuery(name: "jobs.counts", sql: SQL.counts),
        AuditedQuery(name: "jobs.next_due", sql: SQL.nextDue, arguments: ["q"]),
        AuditedQuery(name: "jobs.prune", sql: SQL.prune, arguments: ["0"]),
    ]

    /// Opens the job table in `database`, creating it if needed.
    /// - Parameters:
    ///   - now: the wall clock (tests inject one).
    ///   - onComplete: writes of yours run in the same transaction as each completion (and
    ///     only when the fenced completion applies), so they commit exactly once with it.
    ///   - writer: commits ``enqueue(_:)`` calls from concurrent callers together (pass the
    ///     one your other writes use, so they share groups). Default: a new one.
    public init(
        database: SQLiteDatabase, writer: GroupCommit? = nil, now: @escaping @Sendable () -> Date = Date.init,
        onComplete: (@Sendable (_ jobID: Int64, Database) throws -> Void)? = nil
    ) throws {
        self.database = database
        self.writer = writer ?? GroupCommit(database: database)
        self.now = now
        self.onComplete = onComplete
        try database.migrate(Self.migrations)
    }

    // MARK: Enqueue

    /// Enqueues in a durable transaction of its own — shared with concurrent callers (group
    /// commit), so many request handlers enqueueing at once cost one commit.
    public func enqueue(_ job: NewJob) async throws -> EnqueueResult {
        // The in-transaction enqueue wakes the workers once its transaction commits.
        try await writer.write { db in try self.enqueue(job, in: db) }
    }

    /// Enqueues inside a transaction of yours, so a row and its job commit together; workers
    /// in this process are woken when it commits.
    public func enqueue(_ job: NewJob, in db: Database) throws -> EnqueueResult {
        if let key = job.uniqueKey,
            let existing = try Row.fetchOne(db.cachedStatement(sql: SQL.findLive), arguments: [job.queue, key])
        {
            return EnqueueResult(job: Job(row: existing), inserted: false)
        }
        let timestamp = now().timeIntervalSince1970
        let now = Date(timeIntervalSince1970: timestamp)  // as the row reads back
        // No RETURNING: with it an insert cost about twice as much (SQLite buffers returned
        // rows; the row is then copied and decoded), and every column but the id is known.
        try db.cachedStatement(sql: SQL.insert).execute(
            arguments: [
                job.queue, job.payload, job.maxAttempts, job.runAfter?.timeIntervalSince1970 ?? timestamp,
                job.uniqueKey,
                job.owner, timestamp, timestamp,
            ])
        wakeWorkersAfterCommit(of: db)
        return EnqueueResult(job: Job(inserted: job, id: db.lastInsertedRowID, at: now), inserted: true)
    }

    /// Enqueues many jobs inside a transaction of yours, in one multi-row insert per 64 of
    /// them (a job with a unique key is enqueued alone, as by ``enqueue(_:in:)-(NewJob,_)``);
    /// the results are in the order of `jobs`. Workers in this process are woken when the
    /// transaction commits.
    public func enqueue(_ jobs: [NewJob], in db: Database) throws -> [EnqueueResult] {
        var results: [EnqueueResult?] = Array(repeating: nil, count: jobs.count)
        var plain: [Int] = []
        plain.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            if job.uniqueKey == nil { plain.append(index) } else { results[index] = try enqueue(job, in: db) }
        }
        if !plain.isEmpty {
            let timestamp = now().timeIntervalSince1970
            let now = Date(timeIntervalSince1970: timestamp)  // as the rows read back
            let firstID = try SQL.insertMany.nextID(in: db)
            try SQL.insertMany.execute(count: plain.count, in: db) { row, values in
                let job = jobs[plain[row]]
                values += [
                    firstID + Int64(row), job.queue, job.payload, job.maxAttempts,
                    job.runAfter?.timeIntervalSince1970 ?? timestamp, job.owner, timestamp, timestamp,
                ]
            }
            wakeWorkersAfterCommit(of: db)
            for (row, index) in plain.enumerated() {
                results[index] = EnqueueResult(
                    job: Job(inserted: jobs[index], id: firstID + Int64(row), at: now), inserted: true)
            }
        }
        return results.map { $0! }
    }

    /// Connections with a wake-up already registered for their open transaction: one per
    /// transaction, however many jobs it enqueues (GRDB calls every registered observer on
    /// every statement, so one per job would make bulk enqueues quadratic).
    private let pendingWakeUps = Mutex<Set<ObjectIdentifier>>([])

    private func wakeWorkersAfterCommit(of db: Database) {
        let connection = ObjectIdentifier(db)
        guard pendingWakeUps.withLock({ $0.insert(connection).inserted }) else { return }
        db.afterNextTransaction { [self] _ in
            _ = pendingWakeUps.withLock { $0.remove(connection) }
            notifier.notify()
        } onRollback: { [self] _ in
            _ = pendingWakeUps.withLock { $0.remove(connection) }
        }
    }

    // MARK: Transitions

    public func claim(queue: String, limit: Int, owner: String, lease: TimeInterval) async throws -> [Job] {
        guard limit > 0 else { return [] }
        let timestamp = now().timeIntervalSince1970
        return try await database.pool.write { db in
            try Array(
                Row.fetchCursor(
                    db.cachedStatement(sql: SQL.claim),
                    arguments: [owner, timestamp + lease, timestamp, queue, timestamp, limit]
                )
                .map(Job.init(row:)))
        }.sorted { ($0.runAfter, $0.id) < ($1.runAfter, $1.id) }
    }

    public func heartbeat(ids: [Int64], owner: String, lease: TimeInterval) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let timestamp = now().timeIntervalSince1970
        return try await database.pool.write { db in
            try db.execute(
                sql: SQL.heartbeat(count: ids.count),
                arguments: StatementArguments([timestamp + lease, timestamp, owner] as [any DatabaseValueConvertible])
                    + StatementArguments(ids))
            return db.changesCount
        }
    }

    public func complete(id: Int64, owner: String, result: String?) async throws -> Bool {
        try await completeMany([(id, result)], owner: owner)[0]
    }

    public func completeMany(_ items: [(id: Int64, result: String?)], owner: String) async throws -> [Bool] {
        guard !items.isEmpty else { return [] }
        let timestamp = now().timeIntervalSince1970
        let onComplete = self.onComplete
        return try await database.pool.write { db in
            let complete = try db.cachedStatement(sql: SQL.complete)
            return try items.map { item in
                try complete.execute(arguments: [item.result, timestamp, timestamp, item.id, owner])
                guard db.changesCount == 1 else { return false }
                try onComplete?(item.id, db)
                return true
            }
        }
    }

    public func fail(id: Int64, owner: String, error: String, retryAt: Date?) async throws -> Bool {
        let timestamp = now().timeIntervalSince1970
        return try await database.pool.write { db in
            if let retryAt {
                try db.execute(sql: SQL.retry, arguments: [retryAt.timeIntervalSince1970, error, timestamp, id, owner])
            } else {
                try db.execute(sql: SQL.markStuck, arguments: [error, timestamp, timestamp, id, owner])
            }
            return db.changesCount == 1
        }
    }

    public func release(id: Int64, owner: String) async throws -> Bool {
        let timestamp = now().timeIntervalSince1970
        let applied = try await database.pool.write { db in
            try db.execute(sql: SQL.release, arguments: [timestamp, id, owner])
            return db.changesCount == 1
        }
        if applied { notifier.notify() }
        return applied
    }

    public func rescueExpired() async throws -> (requeued: Int, stuck: Int) {
        let timestamp = now().timeIntervalSince1970
        let counts = try await database.pool.write { db in
            try db.execute(sql: SQL.rescueStuck, arguments: [timestamp, timestamp, timestamp])
            let stuck = db.changesCount
            try db.execute(sql: SQL.rescueRequeue, arguments: [timestamp, timestamp, timestamp])
            return (requeued: db.changesCount, stuck: stuck)
        }
        if counts.requeued > 0 { notifier.notify() }
        return counts
    }

    public func cancel(id: Int64) async throws -> Bool {
        let timestamp = now().timeIntervalSince1970
        return try await database.pool.write { db in
            try db.execute(sql: SQL.cancel, arguments: [timestamp, timestamp, id])
            return db.changesCount == 1
        }
    }

    // MARK: Status

    public func job(id: Int64) async throws -> Job? {
        try await database.pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: SQL.byID), arguments: [id]).map(Job.init(row:))
        }
    }

    public func counts() async throws -> [JobCount] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: SQL.counts).compactMap { row in
                guard let status = JobStatus(rawValue: row["status"]) else { return nil }
                return JobCount(queue: row["queue"], status: status, count: row["n"])
            }
        }
    }

    public func nextDue(queue: String) async throws -> Date? {
        try await database.pool.read { db in
            try Double.fetchOne(db, sql: SQL.nextDue, arguments: [queue]).map(Date.init(timeIntervalSince1970:))
        }
    }

    public func pruneCompleted(finishedBefore cutoff: Date) async throws -> Int {
        try await database.pool.write { db in
            try db.execute(sql: SQL.prune, arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

extension Job {
    /// The row an enqueue just inserted, as it reads back.
    fileprivate init(inserted job: NewJob, id: Int64, at now: Date) {
        self.init(
            id: id, queue: job.queue, payload: job.payload, status: .pending, attempt: 0, maxAttempts: job.maxAttempts,
            runAfter: job.runAfter.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970) } ?? now,
            uniqueKey: job.uniqueKey,
            owner: job.owner, createdAt: now, updatedAt: now)
    }

    /// Reads a row selected as ``SQLiteJobStore/SQL/columns``, by position (no name lookups
    /// on the claim path). From a cursor's row, values are read straight from SQLite.
    init(row: Row) {
        func date(_ index: Int) -> Date? { (row[index] as Double?).map(Date.init(timeIntervalSince1970:)) }
        self.init(
            id: row[0], queue: row[1], payload: row[2], status: JobStatus(rawValue: row[3]) ?? .stuck, attempt: row[4],
            maxAttempts: row[5], runAfter: date(6)!, leaseOwner: row[7], leaseExpiresAt: date(8), lastError: row[9],
            result: row[10], uniqueKey: row[11], owner: row[15], createdAt: date(12)!, updatedAt: date(13)!,
            finishedAt: date(14))
    }
}
