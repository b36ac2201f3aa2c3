import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardConfiguration
import SwitchyardPipeline
import SwitchyardTesting
import Synchronization
import Testing

extension HTTPField.Name {
    static let peer = Self("X-Test-Peer")!
}

/// A context whose peer address a test sets (the router test framework has no sockets).
struct PeerContext: RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    var remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}

/// Takes the peer address from `X-Test-Peer`.
struct PeerFromHeader: RouterMiddleware {
    func handle(_ request: Request, context: PeerContext, next: (Request, PeerContext) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.remoteAddress = try request.headers[.peer].map { try SocketAddress(ipAddress: $0, port: 40_000) }
        return try await next(request, context)
    }
}

final class HitCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
