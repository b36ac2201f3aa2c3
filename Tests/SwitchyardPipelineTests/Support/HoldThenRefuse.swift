import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

/// A middleware after the usage gate that holds requests marked `X-Hold` until released, then
/// refuses them (as a later gate would).
final class HoldThenRefuse: RouterMiddleware, Sendable {
    typealias Context = APIContext
    private let arrivals: AsyncStream<Void>.Continuation
    let arrived: AsyncStream<Void>
    private let release = Mutex<[CheckedContinuation<Void, Never>]>([])

    init() { (arrived, arrivals) = AsyncStream.makeStream() }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.headers[HTTPField.Name("X-Hold")!] != nil else { return try await next(request, context) }
        await withCheckedContinuation { continuation in
            release.withLock { $0.append(continuation) }
            arrivals.yield()
        }
        throw APIError(.forbidden, code: .refused, message: "held, then refused")
    }

    func releaseAll() {
        release.withLock {
            $0.forEach { $0.resume() }; $0 = []
        }
    }
}
