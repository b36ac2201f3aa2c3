import Foundation
import GRDB
import SwitchyardStore

/// A caller's subscription: its plan's name and whether it is paid up.
public struct Subscription: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case active
        case pastDue = "past_due"
        case canceled
    }

    public var plan: String
    public var status: Status

    public init(plan: String, status: Status) {
        self.plan = plan
        self.status = status
    }
}

/// Where ``SubscriptionMiddleware`` looks up a caller's subscription (your billing system,
/// or the SQLite table below).
public protocol SubscriptionStore: Sendable {
    func subscription(for subject: String) async throws -> Subscription?
}

/// Subscriptions in the `switchyard_subscriptions` table.
public final class SQLiteSubscriptionStore: SubscriptionStore {
    private let database: SQLiteDatabase
    private let now: @Sendable () -> Date

    public init(database: SQLiteDatabase, now: @escaping @Sendable () -> Date = Date.init) throws {
        try database.migrate(PipelineSchema.migrations)
        self.database = database
        self.now = now
    }

    enum SQL {
        static let find = "SELECT plan, status FROM switchyard_subscriptions WHERE subject = ?"
        static let upsert = """
            INSERT INTO switchyard_subscriptions (subject, plan, status, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (subject) DO UPDATE SET plan = excluded.plan, status = excluded.status, updated_at = excluded.updated_at
            """
    }

    public static let auditedQueries: [AuditedQuery] = [
        AuditedQuery(name: "subscriptions.find", sql: SQL.find, arguments: ["s"]),
        AuditedQuery(name: "subscriptions.upsert", sql: SQL.upsert, arguments: ["s", "free", "active", "0"]),
    ]

    public func subscription(for subject: String) async throws -> Subscription? {
        try await database.pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: SQL.find), arguments: [subject]).map { row in
                Subscription(plan: row[0], status: Subscription.Status(rawValue: row[1]) ?? .canceled)
            }
        }
    }

    /// Sets `subject`'s subscription, inside a transaction of yours.
    public func set(_ subscription: Subscription, for subject: String, in db: Database) throws {
        try db.execute(
            sql: SQL.upsert,
            arguments: [subject, subscription.plan, subscription.status.rawValue, now().timeIntervalSince1970])
    }

    /// Sets `subject`'s subscription.
    public func set(_ subscription: Subscription, for subject: String) async throws {
        try await database.pool.write { db in try self.set(subscription, for: subject, in: db) }
    }
}
