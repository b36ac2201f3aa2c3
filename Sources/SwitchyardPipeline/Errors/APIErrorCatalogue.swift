import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardJobs

// Every error code the pipeline answers with, declared once, and the errors it raises. Throw
// sites use these members; each factory takes the throw site's `file` and `line`.

extension APIError.Code {
    // MARK: Sessions
    public static let unauthenticated = Self("unauthenticated")
    public static let sessionExpired = Self("session_expired")
    public static let invalidSession = Self("invalid_session")

    // MARK: Requests
    public static let badRequest = Self("bad_request")
    public static let invalidBody = Self("invalid_body")
    public static let notFound = Self("not_found")
    public static let methodNotAllowed = Self("method_not_allowed")
    public static let payloadTooLarge = Self("payload_too_large")
    public static let unsupportedMediaType = Self("unsupported_media_type")
    public static let clientClosedRequest = Self("client_closed_request")
    public static let rateLimited = Self("rate_limited")
    public static let internalError = Self("internal_error")

    /// Another HTTP error status, by its code (`http_418`).
    public static func http(_ status: HTTPResponse.Status) -> Self { Self("http_\(status.code)") }

    // MARK: Plans and usage
    public static let noSubscription = Self("no_subscription")
    public static let subscriptionInactive = Self("subscription_inactive")
    public static let planNotConfigured = Self("plan_not_configured")
    public static let featureNotInPlan = Self("feature_not_in_plan")
    public static let overLimit = Self("over_limit")
    public static let invalidIdempotencyKey = Self("invalid_idempotency_key")
    public static let idempotencyKeyInUse = Self("idempotency_key_in_use")
    public static let idempotencyKeyReused = Self("idempotency_key_reused")
    /// The API layer's middleware is assembled in the wrong order (a server fault).
    public static let middlewareOrder = Self("middleware_order")

    // MARK: Workers and jobs
    public static let workerTimeout = Self("worker_timeout")
    public static let workerFailed = Self("worker_failed")
    public static let unknownJob = Self("unknown_job")
    public static let unreadableResult = Self("unreadable_result")
    /// In a job status body: the worker gave up.
    public static let jobStuck = Self("job_stuck")
    /// In a job status body: the job was cancelled.
    public static let jobCancelled = Self("job_cancelled")
}

extension APIError {
    // MARK: Sessions

    /// 401: the route needs a signed-in caller and none came.
    public static func unauthenticated(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .unauthorized, code: .unauthenticated, message: "this route needs a signed-in caller",
            hint: "send the session token as `Authorization: Bearer <token>` or the `session` cookie", file: file,
            line: line)
    }

    /// 401: the session token was refused, and why.
    static func invalidSession(
        _ rejection: SessionSigner.Rejection, file: String = #fileID, line: Int = #line
    ) -> APIError {
        switch rejection {
        case .expired:
            APIError(
                .unauthorized, code: .sessionExpired, message: "the session token has expired", hint: "sign in again",
                file: file, line: line)
        case .malformed, .badSignature:
            APIError(
                .unauthorized, code: .invalidSession, message: "the session token is not valid",
                hint: "sign in again; tokens cannot be edited", file: file, line: line)
        }
    }

    // MARK: Requests

    /// The request body is larger than the route reads (``BodyLimits``); `limit` in bytes,
    /// when known, is named in the message and in `details.limit_bytes`.
    public static func payloadTooLarge(limit: Int?, file: String = #fileID, line: Int = #line) -> APIError {
        guard let limit else {
            return APIError(
                .contentTooLarge, code: .payloadTooLarge,
                message: "the request body is larger than this route accepts", file: file, line: line)
        }
        return APIError(
            .contentTooLarge, code: .payloadTooLarge,
            message: "the request body is larger than this route's limit of \(limit) bytes",
            hint: "send at most \(limit) bytes", details: ["limit_bytes": "\(limit)"], file: file, line: line)
    }

    /// The connection closed or broke before the request body arrived in full: the client's
    /// doing, so a 4xx (nginx's 499), never counted as a server fault. The client never reads
    /// it; it is for logs and metrics.
    public static func clientClosedRequest(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), code: .clientClosedRequest,
            message: "the connection closed before the request body was received in full", file: file, line: line)
    }

    /// The path exists but not with this method; `allow` becomes the `Allow` header.
    public static func methodNotAllowed(
        _ method: HTTPRequest.Method, allow: [HTTPRequest.Method], file: String = #fileID, line: Int = #line
    ) -> APIError {
        let allowed = allow.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed, code: .methodNotAllowed, message: "this route does not answer \(method.rawValue)",
            hint: "use \(allowed)", details: ["allow": allowed], file: file, line: line)
    }

    /// The body did not decode as the route's input type.
    public static func invalidBody(_ error: any Error, file: String = #fileID, line: Int = #line) -> APIError {
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
            .badRequest, code: .invalidBody, message: message, hint: "send a JSON object with the documented fields",
            details: details, file: file, line: line)
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

    /// Hummingbird's own error (an unknown route, a wrong method), in the envelope.
    static func http(_ error: HTTPError, file: String = #fileID, line: Int = #line) -> APIError {
        let code: Code =
            switch error.status {
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .contentTooLarge: .payloadTooLarge
            case .badRequest: .badRequest
            case .unsupportedMediaType: .unsupportedMediaType
            default: error.status.code >= 500 ? .internalError : .http(error.status)
            }
        let message = error.status.code >= 500 ? "the server failed" : (error.body ?? error.status.reasonPhrase)
        return APIError(error.status, code: code, message: message, file: file, line: line)
    }

    /// 500 for an error the caller must learn nothing about.
    static func internalError(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .internalServerError, code: .internalError, message: "the server failed to handle this request",
            hint: "retry later; quote the request id if it keeps failing", file: file, line: line)
    }

    /// 429 `rate_limited`, with `Retry-After` (whole seconds, rounded up) and the limit in
    /// `details`.
    public static func rateLimited(
        retryAfter: Duration, limit: RateLimit, scope: String, file: String = #fileID, line: Int = #line
    ) -> APIError {
        let (seconds, fraction) = retryAfter.components
        let wait = max(1, seconds + (fraction > 0 ? 1 : 0))
        return APIError(
            .tooManyRequests, code: .rateLimited, message: "too many requests for this \(scope); retry in \(wait) s",
            hint: "wait for the Retry-After seconds before trying again",
            details: [
                "retry_after_seconds": "\(wait)", "scope": scope, "limit": "\(limit.count)",
                "period_seconds": "\(limit.period.components.seconds)",
            ], file: file, line: line)
    }

    // MARK: Plans and usage

    /// 402: the caller has no subscription.
    static func noSubscription(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .paymentRequired, code: .noSubscription, message: "this account has no subscription",
            hint: "choose a plan to use the API", file: file, line: line)
    }

    /// 402: the caller's subscription is not active.
    static func subscriptionInactive(
        _ subscription: PlanSubscription, file: String = #fileID, line: Int = #line
    ) -> APIError {
        APIError(
            .paymentRequired, code: .subscriptionInactive,
            message: "the subscription is \(subscription.status.rawValue)",
            hint: "update the payment method to reactivate it", details: ["plan": subscription.plan], file: file,
            line: line)
    }

    /// 500: our data names a plan our configuration lacks — a server fault, not the caller's.
    static func planNotConfigured(_ plan: String, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .internalServerError, code: .planNotConfigured,
            message: "the account's plan is not configured on this server", details: ["plan": plan], file: file,
            line: line)
    }

    /// 500: a gate that needs the subscription gate's plan runs before it.
    static func middlewareOrder(_ message: String, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(.internalServerError, code: .middlewareOrder, message: message, file: file, line: line)
    }

    /// 403: the plan does not include the route's feature; `offering` names the plans that do.
    static func featureNotInPlan(
        _ feature: String, plan: Plan, offering: [String], file: String = #fileID, line: Int = #line
    ) -> APIError {
        APIError(
            .forbidden, code: .featureNotInPlan, message: "the \(plan.name) plan does not include \(feature)",
            hint: offering.isEmpty ? nil : "upgrade to \(offering.joined(separator: " or "))",
            details: ["feature": feature, "plan": plan.name], file: file, line: line)
    }

    /// 400: the `Idempotency-Key` header is empty or too long.
    static func invalidIdempotencyKey(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .badRequest, code: .invalidIdempotencyKey, message: "Idempotency-Key must be 1 to 255 characters",
            hint: "use a fresh UUID per logical request", file: file, line: line)
    }

    /// The error for a request the usage gate refused: over the limit (429 with the reset
    /// time), an idempotency key still in use (409) or used for another route or body (422).
    static func usageRefused(
        _ refusal: UsageChargeStateMachine.Refusal, plan: Plan, file: String = #fileID, line: Int = #line
    ) -> APIError {
        switch refusal {
        case .overLimit(let used, let resetAt):
            APIError(
                .tooManyRequests, code: .overLimit,
                message: "the \(plan.name) plan allows \(plan.limit.units) requests per \(plan.limit.period.rawValue)",
                hint: "wait for the reset, or upgrade the plan",
                details: [
                    "plan": plan.name, "limit": "\(plan.limit.units)", "used": "\(used)",
                    "reset_at": resetAt.formatted(.iso8601),
                    "retry_after_seconds": "\(max(1, Int(resetAt.timeIntervalSinceNow.rounded(.up))))",
                ], file: file, line: line)
        case .keyInProgress:
            APIError(
                .conflict, code: .idempotencyKeyInUse,
                message: "a request with this Idempotency-Key is still running",
                hint: "retry after it finishes to get its response", file: file, line: line)
        case .keyReused(let route):
            APIError(
                .unprocessableContent, code: .idempotencyKeyReused,
                message: "this Idempotency-Key was used for another route", hint: "use a fresh key per logical request",
                details: ["first_route": route], file: file, line: line)
        case .keyReusedWithAnotherBody:
            APIError(
                .unprocessableContent, code: .idempotencyKeyReused,
                message: "this Idempotency-Key was used with another request body",
                hint: "use a fresh key per logical request", file: file, line: line)
        }
    }

    // MARK: Workers and jobs

    /// 504: an in-process worker did not answer in time.
    static func workerTimeout(
        _ worker: String, timeout: Duration, file: String = #fileID, line: Int = #line
    ) -> APIError {
        APIError(
            .gatewayTimeout, code: .workerTimeout, message: "the \(worker) worker did not answer within \(timeout)",
            hint: "retry; nothing was counted", worker: worker, file: file, line: line)
    }

    /// 500: the request could not be forwarded to the worker.
    static func workerFailed(_ worker: String, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .internalServerError, code: .workerFailed, message: "the \(worker) worker could not take the request",
            hint: "retry later; quote the request id if it keeps failing", worker: worker, file: file, line: line)
    }

    /// 404: no job with this id on this queue belongs to the caller.
    static func unknownJob(queue: String, id: String, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .notFound, code: .unknownJob, message: "no \(queue) job \(id) belongs to this account",
            hint: "use the job_id returned when the request was accepted", worker: queue, jobID: Int64(id), file: file,
            line: line)
    }

    /// 500: a finished job's result does not decode as its output type.
    static func unreadableResult(_ job: Job, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .internalServerError, code: .unreadableResult, message: "the job's result could not be read",
            worker: job.queue, jobID: job.id, jobStatus: job.status.rawValue, file: file, line: line)
    }
}
