import Foundation
import GRDB
import SwitchyardStore
import Synchronization

/// Subscriptions in the `switchyard_subscriptions` table, cached for a few seconds per caller
/// (the subscription gate runs on every API request). A change made through ``set(_:for:)``
/// applies at once in this process; one made elsewhere within ``cacheLifetime``.
public final class SQLitePlanSubscriptionStore: PlanSubscriptionStore {
    private let database: SQLiteDatabase
    private let now: @Sendable () -> Date
    /// How long a looked-up subscription is reused. Default 5 s; zero turns caching off.
    public let cacheLifetime: Duration
    private let cache = Mutex<[String: (subscription: PlanSubscription?, until: Date)]>([:])
    private static let maximumCached = 100_000

    public init(
        database: SQLiteDatabase, cacheLifetime: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        try database.migrate(PipelineSchema.migrations)
        self.database = database
        self.cacheLifetime = cacheLifetime
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

    public func subscription(for subject: String) async throws -> PlanSubscription? {
        let lookedUpAt = now()
        if let cached = cache.withLock({ $0[subject] }), cached.until > lookedUpAt { return cached.subscription }
        let subscription = try await database.pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: SQL.find), arguments: [subject]).map { row in
                PlanSubscription(plan: row[0], status: PlanSubscription.Status(rawValue: row[1]) ?? .canceled)
            }
        }
        if cacheLifetime > .zero {
            cache.withLock { cache in
                if cache.count >= Self.maximumCached { cache.removeAll(keepingCapacity: true) }
                cache[subject] = (subscription, lookedUpAt.addingTimeInterval(cacheLifetime.timeInterval))
            }
        }
        return subscription
    }

    /// Sets `subject`'s subscription, inside a transaction of yours (this process sees it
    /// once the transaction commits).
    public func set(_ subscription: PlanSubscription, for subject: String, in db: Database) throws {
        try db.execute(
            sql: SQL.upsert,
            arguments: [subject, subscription.plan, subscription.status.rawValue, now().timeIntervalSince1970])
        db.afterNextTransaction { [self] _ in _ = self.cache.withLock { $0.removeValue(forKey: subject) } }
    }

    /// Sets `subject`'s subscription.
    public func set(_ subscription: PlanSubscription, for subject: String) async throws {
        try await database.pool.write { db in try self.set(subscription, for: subject, in: db) }
    }
}
