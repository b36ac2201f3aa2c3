import Foundation
import GRDB
import ServiceLifecycle
import SwitchyardStore

/// Race-free usage limits: per caller and period, one conditional upsert
/// (`used + units <= limit`) in the same transaction as the ledger row, so concurrent requests
/// can never take a caller past its limit and the ledger always sums to the counter.
///
/// Writes go through a ``GroupCommit``: concurrent requests share one durable commit.
public final class UsageMeter: Sendable {
    /// What charging a request came to (``charge(_:idempotencyKey:requestHash:)``).
    public enum Outcome: Sendable, Hashable {
        /// Counted; give it back with ``refund(_:)`` if the request fails.
        case granted(UsageTicket)
        /// The limit would be exceeded: nothing was written.
        case overLimit(used: Int, resetAt: Date)
        /// A request with this idempotency key completed before: its response, not counted again.
        case replay(StoredResponse)
        /// A request with this idempotency key is still running.
        case inProgress
        /// This idempotency key was used for another route.
        case keyReused(route: String)
        /// This idempotency key was used for the same route with another request body.
        case keyReusedWithAnotherBody
    }

    /// What a request counted inside a transaction was forwarded to: the worker and job its
    /// ledger row names, and the response, when known there, to keep for idempotent retries.
    public struct Forwarding: Sendable {
        public var worker: String?
        public var jobID: Int64?
        public var response: StoredResponse?

        public init(worker: String? = nil, jobID: Int64? = nil, response: StoredResponse? = nil) {
            self.worker = worker
            self.jobID = jobID
            self.response = response
        }
    }

    /// One request's usage: who, how many units against which limit, and the request and
    /// route its ledger row names.
    public struct Usage: Sendable, Hashable {
        public var subject: String
        public var units: Int
        public var limit: UsageLimit
        public var requestID: String
        public var route: String

        public init(subject: String, units: Int, limit: UsageLimit, requestID: String, route: String) {
            self.subject = subject
            self.units = units
            self.limit = limit
            self.requestID = requestID
            self.route = route
        }
    }

    public let writer: GroupCommit
    private let now: @Sendable () -> Date

    public init(database: SQLiteDatabase, writer: GroupCommit, now: @escaping @Sendable () -> Date = Date.init) throws {
        try database.migrate(PipelineSchema.migrations)
        let jobsRecordOwners = try database.pool.read { db in
            try db.tableExists("switchyard_jobs") && db.columns(in: "switchyard_jobs").contains { $0.name == "owner" }
        }
        if jobsRecordOwners { try database.migrate([PipelineSchema.jobOwnersBackfill]) }
        self.writer = writer
        self.now = now
    }

    enum SQL {
        static let findKey = """
            SELECT status, response_status, response_content_type, response_body, route, request_hash, response_location
            FROM switchyard_idempotency_keys WHERE subject = ? AND key = ?
            """
        static let count = """
            INSERT INTO switchyard_usage_counters (subject, period_start, used) VALUES (?, ?, ?)
            ON CONFLICT (subject, period_start) DO UPDATE SET used = used + excluded.used
            WHERE used + excluded.used <= ?
            """
        static let insertLedgerMany = MultiRowInsert(
            into: "switchyard_usage_ledger",
            columns: "id, subject, period_start, units, request_id, route, worker, job_id, created_at",
            row: "(?, ?, ?, ?, ?, ?, ?, ?, ?)")
        static let used = "SELECT used FROM switchyard_usage_counters WHERE subject = ? AND period_start = ?"
        static let insertLedger = """
            INSERT INTO switchyard_usage_ledger (subject, period_start, units, request_id, route, worker, job_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        static let insertKey = """
            INSERT INTO switchyard_idempotency_keys
                (subject, key, route, request_hash, status, response_status, response_content_type, response_location,
                 response_body, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        static let refund = """
            UPDATE switchyard_usage_counters SET used = used - ? WHERE subject = ? AND period_start = ?
            """
        static let deleteLedger = "DELETE FROM switchyard_usage_ledger WHERE id = ?"
        static let deleteKey = "DELETE FROM switchyard_idempotency_keys WHERE subject = ? AND key = ?"
        static let storeResponse = """
            UPDATE switchyard_idempotency_keys
            SET status = 'completed', response_status = ?, response_content_type = ?, response_location = ?, response_body = ?
            WHERE subject = ? AND key = ?
            """
        static let logUsage = "UPDATE switchyard_usage_ledger SET worker = ?, job_id = ? WHERE id = ?"
        static let ledgerSum = """
            SELECT COALESCE(SUM(units), 0), COUNT(*) FROM switchyard_usage_ledger WHERE subject = ? AND period_start = ?
            """
        static let pruneKeys = "DELETE FROM switchyard_idempotency_keys WHERE created_at < ?"
    }

    /// Every query the meter runs, for ``SQLiteDatabase/auditIndexes(_:)``.
    public static let auditedQueries: [AuditedQuery] = [
        AuditedQuery(name: "usage.find_key", sql: SQL.findKey, arguments: ["s", "k"]),
        AuditedQuery(name: "usage.count", sql: SQL.count, arguments: ["s", "0", "1", "10"]),
        AuditedQuery(name: "usage.used", sql: SQL.used, arguments: ["s", "0"]),
        AuditedQuery(
            name: "usage.insert_ledger", sql: SQL.insertLedger, arguments: ["s", "0", "1", "r", "/", "w", "1", "0"]),
        AuditedQuery(
            name: "usage.insert_ledger_many", sql: SQL.insertLedgerMany.sql(rows: 4),
            arguments: Array(repeating: "0", count: 4 * 9)),
        AuditedQuery(name: "usage.next_ledger_id", sql: SQL.insertLedgerMany.nextIDSQL),
        AuditedQuery(
            name: "usage.insert_key", sql: SQL.insertKey,
            arguments: ["s", "k", "/", "h", "in_progress", "0", "t", "l", "b", "0"]),
        AuditedQuery(name: "usage.refund", sql: SQL.refund, arguments: ["1", "s", "0"]),
        AuditedQuery(name: "usage.delete_ledger", sql: SQL.deleteLedger, arguments: ["1"]),
        AuditedQuery(name: "usage.delete_key", sql: SQL.deleteKey, arguments: ["s", "k"]),
        AuditedQuery(
            name: "usage.store_response", sql: SQL.storeResponse, arguments: ["200", "t", "l", "b", "s", "k"]),
        AuditedQuery(name: "usage.log", sql: SQL.logUsage, arguments: ["w", "1", "1"]),
        AuditedQuery(name: "usage.ledger_sum", sql: SQL.ledgerSum, arguments: ["s", "0"]),
        AuditedQuery(name: "usage.prune_keys", sql: SQL.pruneKeys, arguments: ["0"]),
    ]

    /// Counts `usage` (its units against its limit, for its caller, in the current period),
    /// with a ledger row — or replays the response stored under `idempotencyKey`, or refuses —
    /// in a durable write of its own.
    /// - Parameter requestHash: a digest of the request body, stored with `idempotencyKey`: a
    ///   retry whose body differs is refused (``Outcome/keyReusedWithAnotherBody``).
    public func charge(_ usage: Usage, idempotencyKey: String?, requestHash: [UInt8]? = nil) async throws
        -> Outcome
    {
        let time = now()
        return try await writer.write { db in
            try self.chargeInTransaction(
                usage, idempotencyKey: idempotencyKey, requestHash: requestHash, at: time, in: db)
        }
    }

    /// ``charge(_:idempotencyKey:requestHash:)`` inside the caller's transaction, forwarding the
    /// request once it is counted (what a thin proxy of your own calls):
    /// `forward` runs only when the count is granted, and returns the worker and job its
    /// ledger row names and, when it already knows it, the response to keep under
    /// `idempotencyKey`. The count, the forwarding, the ledger row and the kept response commit
    /// (or roll back) together.
    public func chargeAndForward(
        _ usage: Usage, idempotencyKey: String?, requestHash: [UInt8]? = nil, in db: Database,
        forward: (Database) throws -> Forwarding
    ) throws -> Outcome {
        try chargeInTransaction(
            usage, idempotencyKey: idempotencyKey, requestHash: requestHash, at: now(), in: db, forward: forward)
    }

    /// The count itself, shared by both: earlier use, limit, ledger row, forwarding.
    private func chargeInTransaction(
        _ usage: Usage, idempotencyKey: String?, requestHash: [UInt8]?, at time: Date, in db: Database,
        forward: (Database) throws -> Forwarding = { _ in Forwarding() }
    ) throws -> Outcome {
        let (subject, units, limit, route) = (usage.subject, usage.units, usage.limit, usage.route)
        let period = limit.period.start(of: time)
        if let key = idempotencyKey,
            let earlier = try Self.earlierUse(of: key, subject: subject, route: route, requestHash: requestHash, in: db)
        {
            return earlier
        }
        guard try count(units, subject: subject, period: period, limit: limit, in: db) else {
            return try overLimit(subject: subject, period: period, limit: limit, at: time, in: db)
        }
        let forwarded = try forward(db)
        try db.cachedStatement(sql: SQL.insertLedger).execute(
            arguments: [
                subject, period, units, usage.requestID, route, forwarded.worker, forwarded.jobID,
                time.timeIntervalSince1970,
            ])
        let ledgerID = db.lastInsertedRowID
        if let key = idempotencyKey {
            let response = forwarded.response
            try db.cachedStatement(sql: SQL.insertKey).execute(
                arguments: [
                    subject, key, route, requestHash.map { Data($0) }, response == nil ? "in_progress" : "completed",
                    response?.status,
                    response?.contentType, response?.location,
                    response.map { Data($0.body) }, time.timeIntervalSince1970,
                ])
        }
        return .granted(
            UsageTicket(
                ledgerID: ledgerID, subject: subject, periodStart: period, units: units, idempotencyKey: idempotencyKey,
                responseStored: idempotencyKey != nil && forwarded.response != nil))
    }

    /// What an earlier request with idempotency key `key` left (its response to replay, or
    /// why this one is refused), or `nil` when the key is new.
    private static func earlierUse(
        of key: String, subject: String, route: String, requestHash: [UInt8]?, in db: Database
    ) throws
        -> Outcome?
    {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: SQL.findKey), arguments: [subject, key]) else {
            return nil
        }
        let firstRoute: String = row[4]
        guard firstRoute == route else { return .keyReused(route: firstRoute) }
        // Keys kept before bodies were hashed have none: they match any body.
        if let firstHash = row[5] as Data?, let requestHash, firstHash != Data(requestHash) {
            return .keyReusedWithAnotherBody
        }
        guard (row[0] as String) == "completed" else { return .inProgress }
        return .replay(
            StoredResponse(
                status: row[1], contentType: row[2], location: row[6], body: (row[3] as Data?).map { Array($0) } ?? []))
    }

    /// What an earlier request with `usage`'s caller and idempotency key `key` left, read
    /// without writing: a retry is answered before its handler runs again. (The count that
    /// follows checks the key again, in its transaction.)
    public func earlierUse(of key: String, for usage: Usage, requestHash: [UInt8]?) async throws -> Outcome? {
        try await writer.database.pool.read { db in
            try Self.earlierUse(of: key, subject: usage.subject, route: usage.route, requestHash: requestHash, in: db)
        }
    }

    /// ``chargeAndForward(_:idempotencyKey:requestHash:in:forward:)`` for many requests, none with
    /// an idempotency key (a group commit's worth), inside `db`'s transaction, as
    /// single charges made one after another would: one conditional count per caller
    /// and period when all of that caller's requests fit under the limit, else one per request,
    /// in order. `forward` gets the indices of the granted requests (called only if there are
    /// any) and returns how each was forwarded; their ledger rows are then written with one
    /// multi-row insert. Returns one outcome per request, in order.
    public func chargeAndForwardAll(
        _ usages: [Usage], in db: Database, forward: (_ granted: [Int]) throws -> [Forwarding]
    ) throws
        -> [Outcome]
    {
        let time = now()
        let periods = usages.map { $0.limit.period.start(of: time) }
        // The requests counted against each counter row, in order of arrival.
        struct Counter: Hashable {
            var subject: String
            var period: Int64
            var limit: UsageLimit
        }
        var counters: [Counter: [Int]] = [:]
        var order: [Counter] = []
        for (index, usage) in usages.enumerated() {
            let counter = Counter(subject: usage.subject, period: periods[index], limit: usage.limit)
            if counters[counter] == nil { order.append(counter) }
            counters[counter, default: []].append(index)
        }
        var outcomes: [Outcome?] = Array(repeating: nil, count: usages.count)
        var granted: [Int] = []
        for counter in order {
            let indices = counters[counter]!
            let total = indices.reduce(0) { $0 + usages[$1].units }
            if try count(total, subject: counter.subject, period: counter.period, limit: counter.limit, in: db) {
                granted += indices
                continue
            }
            for index in indices {
                if try count(
                    usages[index].units, subject: counter.subject, period: counter.period, limit: counter.limit, in: db)
                {
                    granted.append(index)
                } else {
                    outcomes[index] = try overLimit(
                        subject: counter.subject, period: counter.period, limit: counter.limit, at: time, in: db)
                }
            }
        }
        guard !granted.isEmpty else { return outcomes.map { $0! } }
        granted.sort()
        let forwarded = try forward(granted)
        precondition(forwarded.count == granted.count, "Switchyard: forward returns one Forwarding per granted request")
        let firstID = try SQL.insertLedgerMany.nextID(in: db)
        try SQL.insertLedgerMany.execute(count: granted.count, in: db) { row, values in
            let index = granted[row]
            let usage = usages[index]
            values += [
                firstID + Int64(row), usage.subject, periods[index], usage.units, usage.requestID, usage.route,
                forwarded[row].worker,
                forwarded[row].jobID, time.timeIntervalSince1970,
            ]
        }
        for (row, index) in granted.enumerated() {
            let usage = usages[index]
            outcomes[index] = .granted(
                UsageTicket(
                    ledgerID: firstID + Int64(row), subject: usage.subject, periodStart: periods[index],
                    units: usage.units,
                    idempotencyKey: nil))
        }
        return outcomes.map { $0! }
    }

    /// Adds `units` to the caller's counter for `period` if that keeps it within `limit`: one
    /// conditional upsert. Returns whether it did.
    private func count(_ units: Int, subject: String, period: Int64, limit: UsageLimit, in db: Database) throws -> Bool
    {
        // A first request of the period is an insert, which the upsert's condition does not cover.
        guard units <= limit.units else { return false }
        try db.cachedStatement(sql: SQL.count).execute(arguments: [subject, period, units, limit.units])
        return db.changesCount == 1
    }

    private func overLimit(subject: String, period: Int64, limit: UsageLimit, at time: Date, in db: Database) throws
        -> Outcome
    {
        let used = try Int.fetchOne(db.cachedStatement(sql: SQL.used), arguments: [subject, period]) ?? 0
        return .overLimit(used: used, resetAt: limit.period.reset(after: time))
    }

    /// Undoes a granted charge: the counter goes back down, the ledger row and the idempotency
    /// key go away, as if the request had never come.
    public func refund(_ ticket: UsageTicket) async throws {
        try await writer.write { db in
            try db.cachedStatement(sql: SQL.refund).execute(arguments: [
                ticket.units, ticket.subject, ticket.periodStart,
            ])
            try db.cachedStatement(sql: SQL.deleteLedger).execute(arguments: [ticket.ledgerID])
            if let key = ticket.idempotencyKey {
                try db.cachedStatement(sql: SQL.deleteKey).execute(arguments: [ticket.subject, key])
            }
        }
    }

    /// Keeps the response of a granted request under its idempotency key, for replays.
    public func keepResponse(_ response: StoredResponse, for ticket: UsageTicket) async throws {
        guard let key = ticket.idempotencyKey else { return }
        try await writer.write { db in
            try db.cachedStatement(sql: SQL.storeResponse).execute(
                arguments: [
                    response.status, response.contentType, response.location, Data(response.body), ticket.subject, key,
                ])
        }
    }

    /// The thin proxy's usage log: which worker took the counted request, and its job. Runs
    /// inside the caller's transaction (the one that enqueued the job).
    public func log(_ ticket: UsageTicket, worker: String, jobID: Int64?, in db: Database) throws {
        try db.cachedStatement(sql: SQL.logUsage).execute(arguments: [worker, jobID, ticket.ledgerID])
    }

    /// The counter and the ledger for `subject` in the period holding `date`: they agree.
    public func usage(subject: String, period: UsagePeriod, at date: Date) async throws
        -> (counter: Int, ledgerUnits: Int, ledgerRows: Int)
    {
        let start = period.start(of: date)
        return try await writer.database.pool.read { db in
            let counter = try Int.fetchOne(db, sql: SQL.used, arguments: [subject, start]) ?? 0
            let row = try Row.fetchOne(db, sql: SQL.ledgerSum, arguments: [subject, start])!
            return (counter, row[0], row[1])
        }
    }

    /// Forgets idempotency keys older than `age` (default a day), so a key may be reused.
    @discardableResult
    public func pruneIdempotencyKeys(olderThan age: Duration = .seconds(86_400)) async throws -> Int {
        let cutoff = now().addingTimeInterval(-age.timeInterval).timeIntervalSince1970
        return try await writer.write { db in
            try db.execute(sql: SQL.pruneKeys, arguments: [cutoff])
            return db.changesCount
        }
    }
}
