import Foundation
import HTTPTypes
import Hummingbird

/// An error a caller sees: a stable code, a message, a hint, and where relevant the worker,
/// job and its status. ``RichErrorMiddleware`` adds the request id and route and writes it as
///
/// ```json
/// {"error": {"code": "over_limit", "message": "...", "request_id": "...", "route": "/api/summaries",
///            "hint": "...", "details": {"limit": "20", "reset_at": "2026-11-28T00:00:00Z"}}}
/// ```
///
/// 4xx codes are the caller's to fix; 5xx are ours. Messages never hold secrets, SQL or stack
/// traces.
public struct APIError: Error, Sendable, Hashable {
    public var status: HTTPResponse.Status
    /// Stable, snake_case; clients switch on it.
    public var code: String
    public var message: String
    public var hint: String?
    public var worker: String?
    public var jobID: Int64?
    public var jobStatus: String?
    /// Further facts, such as `limit`, `reset_at`, `feature`, `field`.
    public var details: [String: String]

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, hint: String? = nil, worker: String? = nil,
        jobID: Int64? = nil, jobStatus: String? = nil, details: [String: String] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.worker = worker
        self.jobID = jobID
        self.jobStatus = jobStatus
        self.details = details
    }

    // MARK: The errors the pipeline raises

    public static let unauthenticated = APIError(
        .unauthorized, code: "unauthenticated", message: "this route needs a signed-in caller",
        hint: "send the session token as `Authorization: Bearer <token>` or the `session` cookie")

    static func invalidSession(_ rejection: SessionSigner.Rejection) -> APIError {
        switch rejection {
        case .expired:
            APIError(
                .unauthorized, code: "session_expired", message: "the session token has expired", hint: "sign in again")
        case .malformed, .badSignature:
            APIError(
                .unauthorized, code: "invalid_session", message: "the session token is not valid",
                hint: "sign in again; tokens cannot be edited")
        }
    }

    /// The request body is larger than the route reads (``BodyLimits``); `limit` in bytes,
    /// when known, is named in the message and in `details.limit_bytes`.
    public static func payloadTooLarge(limit: Int?) -> APIError {
        guard let limit else {
            return APIError(
                .contentTooLarge, code: "payload_too_large",
                message: "the request body is larger than this route accepts")
        }
        return APIError(
            .contentTooLarge, code: "payload_too_large",
            message: "the request body is larger than this route's limit of \(limit) bytes",
            hint: "send at most \(limit) bytes", details: ["limit_bytes": "\(limit)"])
    }

    /// The connection closed or broke before the request body arrived in full: the client's
    /// doing, so a 4xx (nginx's 499), never counted as a server fault. The client never reads
    /// it; it is for logs and metrics.
    public static let clientClosedRequest = APIError(
        HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), code: "client_closed_request",
        message: "the connection closed before the request body was received in full")

    /// The path exists but not with this method; `allow` becomes the `Allow` header.
    public static func methodNotAllowed(_ method: HTTPRequest.Method, allow: [HTTPRequest.Method]) -> APIError {
        let allowed = allow.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed, code: "method_not_allowed", message: "this route does not answer \(method.rawValue)",
            hint: "use \(allowed)", details: ["allow": allowed])
    }

    /// The body did not decode as the route's input type.
    public static func invalidBody(_ error: any Error) -> APIError {
        var details: [String: String] = [:]
        let message: String
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            details["field"] = path(context.codingPath + [key])
            message = "missing field `\(details["field"]!)`"
        case .typeMismatch(let type, let context)?:
            details["field"] = path(context.codingPath)
            message = "field `\(details["field"]!)` must be \(describe(type))"
        case .valueNotFound(let type, let context)?:
            details["field"] = path(context.codingPath)
            message = "field `\(details["field"]!)` must be \(describe(type)), not null"
        case .dataCorrupted(let context)?:
            if context.codingPath.isEmpty {
                message = "the body is not valid JSON"
            } else {
                details["field"] = path(context.codingPath)
                message = "field `\(details["field"]!)` is invalid: \(context.debugDescription)"
            }
        default:
            message = "the body could not be read"
        }
        return APIError(
            .badRequest, code: "invalid_body", message: message, hint: "send a JSON object with the documented fields",
            details: details)
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of type \(type)"
        }
    }
}

/// The JSON envelope of an error response.
struct ErrorEnvelope: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
        var requestID: String
        var route: String
        var hint: String?
        var worker: String?
        var jobID: Int64?
        var jobStatus: String?
        var details: [String: String]?

        enum CodingKeys: String, CodingKey {
            case code, message, hint, worker, details, route
            case requestID = "request_id"
            case jobID = "job_id"
            case jobStatus = "job_status"
        }
    }

    var error: Body
}
