import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

/// Applies each route's ``BodyLimits``: sets ``PipelineContext/maxUploadSize``, refuses a
/// declared `Content-Length` over it with 413 before reading a byte, and makes the body's
/// reader report a client that hangs up mid-body as ``APIError/clientClosedRequest(file:line:)`` (4xx: the
/// client's doing, never a server fault). A chunked body past the limit is refused with 413
/// as it is read.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = PipelineContext

    let limits: BodyLimits

    public init(_ limits: BodyLimits) {
        self.limits = limits
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var context = context
        let limit = limits.limit(forRoute: context.endpointPath)
        context.maxUploadSize = limit
        let declared = request.headers[.contentLength]
        if let declared, let length = Int(declared), length > limit { throw APIError.payloadTooLarge(limit: limit) }
        // HTTP/1.1: without either header there is no body (RFC 9112 §6.3).
        guard (declared != nil && declared != "0") || request.headers[.transferEncoding] != nil else {
            return try await next(request, context)
        }
        var request = request
        request.body = RequestBody(asyncSequence: LimitedRequestBody(base: request.body, limit: limit))
        return try await next(request, context)
    }
}
