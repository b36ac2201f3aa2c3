import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: the verified identity (if any) and the request id.
///
/// ``SessionMiddleware`` (the root layer) fills ``identity``; nothing else writes it.
public struct PipelineContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller, when a valid session token came with the request; `nil` for anonymous
    /// requests.
    public var identity: Identity?
    /// The largest request body this route reads, in bytes; ``BodyLimitMiddleware`` sets it
    /// per route. Default 2 MiB (Hummingbird's).
    public var maxUploadSize = BodyLimits.hummingbirdDefault
    /// Why the session cookie was refused, when it was: routes that need no identity ignore
    /// it; the API group answers 401 with this reason (see ``SessionMiddleware``).
    var rejectedCookie: SessionSigner.Rejection?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Request bodies are read as snake_case JSON (``PipelineJSONRequestDecoder``).
    public var requestDecoder: PipelineJSONRequestDecoder { .init() }
    /// Values a handler returns are written as snake_case JSON (``PipelineJSONResponseEncoder``).
    public var responseEncoder: PipelineJSONResponseEncoder { .init() }

    /// The connection's peer, read when asked (the per-address rate limits ask).
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
    private let channel: any Channel
}
