import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Limits events per key (a client address, an account): ``RateLimit/count`` per
/// ``RateLimit/period``, refilling steadily, one event every `period / count`.
///
/// It is the token bucket written as GCRA: each key holds one instant, when its bucket will
/// be full again, so a key whose instant has passed is the same as a key never seen and is
/// dropped. Memory is bounded: at most `capacity` keys, each kept as its 64-bit hash
/// (Swift's `Hasher`, seeded at random per process, so callers cannot aim collisions), so an
/// entry's size does not depend on the key and no email stays in memory. When `capacity`
/// keys are all still refilling, the ones closest to full are forgotten first (an eighth of
/// the table at a time): a flood of more distinct keys than `capacity` within one period lets
/// those keys start afresh, and nothing else grows.
///
/// Time comes from an injected `Clock` (a `MockClock` in tests).
public final class RateLimiter: Sendable {
    /// The answer to ``acquire(_:)``.
    public enum Decision: Sendable, Hashable {
        case allowed
        /// Refused; one event will be allowed again after this long.
        case limited(retryAfter: Duration)
    }

    public let limit: RateLimit
    /// The most keys tracked at once.
    public let capacity: Int
    /// The time one event takes to refill: `period / count`.
    private let interval: Duration
    /// Time since the limiter was made, on its clock.
    private let elapsed: @Sendable () -> Duration
    /// Per key hash: when its bucket is full again (on the `elapsed` timeline).
    private let full = Mutex<[Int: Duration]>([:])

    /// - Parameters:
    ///   - capacity: the most keys tracked at once (default 100,000: about 4 MB at most).
    ///   - clock: the source of time (`ContinuousClock()` in production).
    public init<C: Clock>(_ limit: RateLimit, capacity: Int = 100_000, clock: C) where C.Duration == Duration {
        precondition(capacity >= 1, "a rate limiter tracks at least one key")
        self.limit = limit
        self.capacity = capacity
        self.interval = limit.period / limit.count
        let origin = clock.now
        self.elapsed = { origin.duration(to: clock.now) }
    }

    /// Takes one event from `key`'s bucket, or says how long until one is free.
    public func acquire(_ key: String) -> Decision {
        let now = elapsed()
        let hash = key.hashValue
        return full.withLock { full in
            let refilled = max(full[hash] ?? now, now) + interval
            // Refused while the bucket would hold more than `period` of debt.
            let allowedAt = refilled - limit.period
            if allowedAt > now { return .limited(retryAfter: allowedAt - now) }
            if full[hash] == nil, full.count >= capacity {
                Self.evict(from: &full, now: now, keeping: capacity - capacity / 8)
            }
            full[hash] = refilled
            return .allowed
        }
    }

    /// Gives back one event taken by ``acquire(_:)`` (say, a log-in that succeeded, when
    /// only failures should count).
    public func release(_ key: String) {
        let now = elapsed()
        let hash = key.hashValue
        full.withLock { full in
            guard let refilled = full[hash] else { return }
            full[hash] = refilled - interval > now ? refilled - interval : nil
        }
    }

    /// How many keys are tracked now.
    public var trackedKeys: Int { full.withLock { $0.count } }

    /// Drops every key whose bucket is full again; if that leaves more than `keeping`, drops
    /// the ones closest to full until `keeping` remain.
    private static func evict(from full: inout [Int: Duration], now: Duration, keeping: Int) {
        full = full.filter { $0.value > now }
        guard full.count > keeping else { return }
        let kept = full.sorted { $0.value > $1.value }.prefix(keeping)
        full = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}

extension RateLimiter {
    /// Takes one event from `key`'s bucket or throws ``APIError/rateLimited(retryAfter:limit:scope:file:line:)``.
    /// - Parameter scope: what the key is, for the error (`"address"`, `"account"`).
    public func acquire(_ key: String, scope: String) throws(APIError) {
        if case .limited(let retryAfter) = acquire(key) {
            throw .rateLimited(retryAfter: retryAfter, limit: limit, scope: scope)
        }
    }
}
