import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

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
