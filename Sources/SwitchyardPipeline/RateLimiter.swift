import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// How often something may happen: `count` times per `period`, all at once if need be.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Events allowed per ``period`` (and the largest burst).
    public var count: Int
    public var period: Duration

    /// - Precondition: `count >= 1` and `period > .zero`.
    public init(_ count: Int, per period: Duration) {
        precondition(count >= 1 && period > .zero, "a rate limit needs a count of at least 1 and a positive period")
        self.count = count
        self.period = period
    }

    public var description: String { "\(count) per \(period)" }
}

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

/// Refuses a request with 429 once its key (by default the client's address) has used up its
/// ``RateLimiter``'s limit. It runs before the handler, so a refused request costs no body
/// decoding and no work behind it (such as a password hash).
public struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    let scope: String
    let key: @Sendable (Request, Context) -> String

    /// - Parameters:
    ///   - scope: what the key is, for the error (`"address"`).
    ///   - key: the request's key.
    public init(_ limiter: RateLimiter, scope: String, key: @escaping @Sendable (Request, Context) -> String) {
        self.limiter = limiter
        self.scope = scope
        self.key = key
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        try limiter.acquire(key(request, context), scope: scope)
        return try await next(request, context)
    }
}

extension RateLimitMiddleware where Context: RemoteAddressRequestContext {
    /// Limits each client address (see ``clientAddressKey(_:)``).
    public init(perClientAddress limiter: RateLimiter) {
        self.init(limiter, scope: "address") { _, context in clientAddressKey(context.remoteAddress) }
    }
}

/// The rate-limit key of a peer: an IPv4 address as it is; an IPv6 address by its /64 prefix
/// (one host is usually given a whole /64, so counting its addresses one by one would let it
/// step around any limit); an IPv4-mapped IPv6 address as its IPv4 address; and every request
/// without an IP peer (a Unix socket, an in-process test) under the one key `local`.
///
/// It is the socket's peer: behind a reverse proxy every client shares the proxy's key.
public func clientAddressKey(_ address: SocketAddress?) -> String {
    // The address bytes sit at the same offsets of `sockaddr_in` (4) and `sockaddr_in6` (8)
    // on Linux and Darwin.
    switch address {
    case .v4(let v4)?:
        return "v4:" + withUnsafeBytes(of: v4.address) { $0[4..<8].map(String.init).joined(separator: ".") }
    case .v6(let v6)?:
        let bytes = withUnsafeBytes(of: v6.address) { Array($0[8..<24]) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return "v4:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return "v6:" + groups.joined(separator: ":") + "::/64"
    default:
        return "local"
    }
}
