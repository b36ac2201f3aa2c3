import Foundation
import HTTPTypes
import Hummingbird
import Logging

// The root layer (the seed's `functions/_middleware.js`): session verification and context
// enrichment, and the error envelope every response shares. No plan, usage or feature logic.

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}

/// Verifies the session token (`Authorization: Bearer <token>` or the `session` cookie) and
/// puts the caller's ``Identity`` in the context. (Not in the request's logger: with
/// swift-log's stream handler every metadata change re-renders the metadata, a cost on every
/// request; log `user.id` where you log.)
/// A request without a token passes as anonymous; a tampered, forged or expired token is
/// refused with 401 — never silently downgraded to anonymous.
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = PipelineContext

    let signer: SessionSigner
    let cookieName: String

    public init(signer: SessionSigner, cookieName: String = "session") {
        self.signer = signer
        self.cookieName = cookieName
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let token = token(in: request) {
            let identity: Identity
            do {
                identity = try signer.verify(token)
            } catch {
                throw APIError.invalidSession(error)
            }
            context.identity = identity
        }
        return try await next(request, context)
    }

    private func token(in request: Request) -> Substring? {
        if let authorization = request.headers[.authorization] {
            // The scheme is case-insensitive (RFC 9110); compared on its bytes, with no copy.
            let scheme = "bearer ".utf8
            let utf8 = authorization.utf8
            if utf8.count > scheme.count, zip(utf8, scheme).allSatisfy({ $1 == 0x20 ? $0 == 0x20 : $0 | 0x20 == $1 }) {
                return authorization.dropFirst(scheme.count)
            }
            return authorization[...]  // some other scheme: refused as malformed
        }
        return request.cookies[cookieName].map { Substring($0.value) }
    }
}

/// Turns every error into the JSON envelope of ``APIError``, with the request id and route,
/// and puts `X-Request-Id` on every response. Unknown errors become a 500 whose body says
/// nothing about them; they are logged with the request id.
public struct RichErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.id
            return response
        } catch {
            let apiError = APIError(describing: error)
            if apiError.status.code >= 500 {
                context.logger.error(
                    "request failed", metadata: ["error": "\(String(reflecting: error))", "http.route": "\(route(request, context))"])
            }
            return apiError.response(requestID: context.id, route: route(request, context))
        }
    }
}

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
            let code: String =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "payload_too_large"
                case .badRequest: "bad_request"
                case .unsupportedMediaType: "unsupported_media_type"
                default: error.status.code >= 500 ? "internal_error" : "http_\(error.status.code)"
                }
            let message = error.status.code >= 500 ? "the server failed" : (error.body ?? error.status.reasonPhrase)
            return APIError(error.status, code: code, message: message)
        case is DecodingError:
            return .invalidBody(error)
        default:
            return APIError(
                .internalServerError, code: "internal_error", message: "the server failed to handle this request",
                hint: "retry later; quote the request id if it keeps failing")
        }
    }

    /// The JSON envelope, with the request id and route.
    func response(requestID: String, route: String) -> Response {
        let error = self
        let envelope = ErrorEnvelope(
            error: .init(
                code: error.code, message: error.message, requestID: requestID, route: route,
                hint: error.hint, worker: error.worker, jobID: error.jobID, jobStatus: error.jobStatus,
                details: error.details.isEmpty ? nil : error.details))
        // Strings and integers only: encoding cannot fail.
        let body = try! pipelineJSONEncoder().encode(envelope)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .requestID: requestID]
        if error.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter = error.details["retry_after_seconds"] { headers[.retryAfter] = retryAfter }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: context.id, route: route(request, context))
    }
}

/// The matched route's template (`/api/summaries/{id}`), or the path when none matched.
func route(_ request: Request, _ context: some RequestContext) -> String {
    guard let template = context.endpointPath, template != "NotFound" else { return request.uri.path }
    return template
}
