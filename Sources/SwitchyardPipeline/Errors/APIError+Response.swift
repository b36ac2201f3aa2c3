import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

extension APIError {
    /// The caller-facing form of any error.
    init(describing error: any Error) {
        self = Self.caller(error)
    }

    private static func caller(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            return .http(error)
        case is NIOTooManyBytesError:
            // A handler's own `collect(upTo:)`, below its route's limit. (The error's
            // `maxBytes` is what was left of the limit at the failing chunk, not the limit.)
            return .payloadTooLarge(limit: nil)
        case is DecodingError:
            return .invalidBody(error)
        default:
            return .internalError()
        }
    }

    /// The JSON envelope, with the request id and route.
    func response(requestID: String, route: String) -> Response {
        let error = self
        let envelope = ErrorEnvelope(
            error: .init(
                code: error.code.rawValue, message: error.message, requestID: requestID, route: route,
                hint: error.hint, worker: error.worker, jobID: error.jobID, jobStatus: error.jobStatus,
                details: error.details.isEmpty ? nil : error.details))
        // Strings and integers only: encoding cannot fail, so the fallback is never sent.
        let body = (try? sharedJSONEncoder.encode(envelope)) ?? Data(#"{"error":{"code":"internal_error"}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .requestID: requestID]
        if error.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter = error.details["retry_after_seconds"] { headers[.retryAfter] = retryAfter }
        if let allow = error.details["allow"] { headers[.allow] = allow }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: context.id, route: route(request, context))
    }
}
