import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

// The root layer (the outer `functions/_middleware.js` of a Cloudflare Pages app): session verification and context
// enrichment, and the error envelope every response shares. No plan, usage or feature logic.

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
