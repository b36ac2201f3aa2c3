import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

/// Turns every error into the JSON envelope of ``APIError``, with the request id and route,
/// and puts `X-Request-Id` on every response. Unknown errors become a 500 whose body says
/// nothing about them; every 5xx is logged with the request id, the error's type and a
/// summary that cannot carry a secret (``safeSummary(of:)``) — never its description.
public struct RichErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.id
            return response
        } catch {
            var extraHeaders: HTTPFields = [:]
            var error = error
            if let wrapped = error as? ErrorWithHeaders { (error, extraHeaders) = (wrapped.error, wrapped.headers) }
            let apiError = APIError(describing: error)
            if apiError.status.code >= 500 {
                // Never the error's own description: it may hold SQL, a prompt or a key.
                context.logger.error(
                    "request failed",
                    metadata: safeMetadata(of: error).merging(["http.route": "\(route(request, context))"]) { $1 })
            }
            var response = apiError.response(requestID: context.id, route: route(request, context))
            response.headers.append(contentsOf: extraHeaders)
            return response
        }
    }
}
