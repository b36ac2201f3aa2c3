import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

// The root layer (the outer `functions/_middleware.js` of a Cloudflare Pages app): session verification and context
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
///
/// A request without a token passes as anonymous. A bad token is never silently accepted:
/// - A tampered, forged, malformed or expired **Bearer** token is refused with 401 on every
///   route: a client that sends `Authorization` deliberately must learn that it failed.
/// - A bad session **cookie** is one the browser keeps sending on its own (a server restart
///   with a new secret, an expired session), so it must not lock the user out of the routes
///   that need no identity (`/auth/login`, `/auth/signup`, `/health`): there the request
///   passes as anonymous and the response clears the cookie (unless it sets a new one). Routes
///   that need identity (the ``APIContext`` group) answer 401 with the cookie's fault
///   (`invalid_session` or `session_expired`).
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = PipelineContext

    let signer: SessionSigner
    let cookieName: String

    public init(signer: SessionSigner, cookieName: String = "session") {
        self.signer = signer
        self.cookieName = cookieName
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var context = context
        if let authorization = request.headers[.authorization] {
            do {
                context.identity = try signer.verify(bearerToken(authorization))
            } catch {
                throw APIError.invalidSession(error)
            }
            return try await next(request, context)
        }
        guard let cookie = request.cookies[cookieName] else { return try await next(request, context) }
        do {
            context.identity = try signer.verify(cookie.value)
        } catch {
            context.rejectedCookie = error
        }
        guard context.rejectedCookie != nil else { return try await next(request, context) }
        let clearing = Cookie(name: cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // An error answer (a wrong password, a 404) clears it too.
            throw ErrorWithHeaders(error, headers: [.setCookie: clearing.description])
        }
        let prefix = "\(cookieName)="
        if !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(prefix) }) {
            response.setCookie(clearing)
        }
        return response
    }

    /// The token of a Bearer credential; any other scheme is returned whole (and refused as
    /// malformed).
    private func bearerToken(_ authorization: String) -> Substring {
        // The scheme is case-insensitive (RFC 9110); compared on its bytes, with no copy.
        let scheme = "bearer ".utf8
        let utf8 = authorization.utf8
        if utf8.count > scheme.count, zip(utf8, scheme).allSatisfy({ $1 == 0x20 ? $0 == 0x20 : $0 | 0x20 == $1 }) {
            return authorization.dropFirst(scheme.count)
        }
        return authorization[...]
    }
}

/// How large a request body each route reads, in bytes.
///
/// ```toml
/// [server]
/// max_body_bytes = 1048576        # every route without its own limit
///
/// [server.body_limits]            # by route template, as registered
/// "/auth/login" = 4096
/// "/api/summaries" = 262144
/// ```
public struct BodyLimits: Sendable, Hashable {
    /// Hummingbird's own default, 2 MiB.
    public static let hummingbirdDefault = 2 * 1024 * 1024

    /// The limit of every route not in ``routes``. Default 2 MiB.
    public var standard: Int
    /// Limits by route template (`/api/summaries/{id}`), normalised as the router writes them.
    public private(set) var routes: [String: Int]

    public init(standard: Int = hummingbirdDefault, routes: [String: Int] = [:]) {
        self.standard = standard
        self.routes = [:]
        for (route, limit) in routes { self[route: route] = limit }
    }

    /// The limit of one route template; setting `nil` removes it.
    public subscript(route route: String) -> Int? {
        get { routes[RouterPath(route).description] }
        set { routes[RouterPath(route).description] = newValue }
    }

    /// The limit for a request that matched `route` (`nil` when none matched).
    public func limit(forRoute route: String?) -> Int {
        route.flatMap { routes[$0] } ?? standard
    }
}

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

/// A request body that stops with ``APIError/payloadTooLarge(limit:file:line:)`` past `limit` bytes
/// (whoever reads it, with whatever `collect(upTo:)`), and whose read failures (the
/// connection closed or broke before the body was complete) surface as
/// ``APIError/clientClosedRequest(file:line:)``.
struct LimitedRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var read = 0

        mutating func next() async throws -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await base.next()
            } catch let error as CancellationError {
                throw error
            } catch {
                throw APIError.clientClosedRequest()
            }
            read += chunk?.readableBytes ?? 0
            if read > limit { throw APIError.payloadTooLarge(limit: limit) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit) }
}

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

/// An error with headers its response must carry (such as a `Set-Cookie` clearing a bad
/// session cookie); ``RichErrorMiddleware`` answers for `error` and adds them.
struct ErrorWithHeaders: Error {
    var error: any Error
    var headers: HTTPFields

    init(_ error: any Error, headers: HTTPFields) {
        self.error = error
        self.headers = headers
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
        let body = (try? pipelineJSONEncoder().encode(envelope)) ?? Data(#"{"error":{"code":"internal"}}"#.utf8)
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

/// The error's type, fully qualified (`GRDB.DatabaseError`).
func errorTypeName(_ error: any Error) -> String {
    String(reflecting: type(of: error))
}

/// The error's type and ``safeSummary(of:)``, as log metadata (`error.type`, `error.summary`):
/// what every log line about an error carries, never its description.
public func safeMetadata(of error: any Error) -> Logger.Metadata {
    ["error.type": "\(errorTypeName(error))", "error.summary": "\(safeSummary(of: error))"]
}

/// What can be logged of an error without risking a secret: our own caller-facing code and
/// message, an HTTP status, a SQLite result code, an LLM failure's kind — and for any other
/// error nothing but `"-"` (its type is logged beside it). An error's description can quote
/// SQL and its arguments, a prompt, a header or a key, so it is never used.
public func safeSummary(of error: any Error) -> String {
    switch error {
    case let error as APIError: "\(error.code): \(error.message)"
    case let error as HTTPError: "HTTP \(error.status.code)"
    case let error as DatabaseError: "SQLite error \(error.resultCode.rawValue)"
    case let error as LLMError: "\(error.provider) \(error.kind)\(error.status.map { " (HTTP \($0))" } ?? "")"
    case let error as TimeoutError: error.description
    case is CancellationError: "cancelled"
    case is NIOTooManyBytesError: "body too large"
    default: "-"
    }
}

/// The matched route's template (`/api/summaries/{id}`), or the path when none matched.
func route(_ request: Request, _ context: some RequestContext) -> String {
    guard let template = context.endpointPath, template != "NotFound" else { return request.uri.path }
    return template
}
