import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// What one request costs, handed from ``UsageLimitMiddleware`` to whatever charges it.
///
/// It is charged once: by the middleware before the handler runs
/// (``UsageLimitMiddleware/Charging/beforeHandler``), or by a thin proxy inside the
/// transaction that forwards the request (``UsageLimitMiddleware/Charging/byProxy``), so the
/// count, its ledger row and the job commit together.
public final class UsageCharge: Sendable {
    public enum State: Sendable, Hashable {
        /// Not charged yet.
        case pending
        /// Counted, with this ledger row.
        case granted(UsageTicket)
        /// Answered without a count: refused, or a replay of an idempotent request.
        case settled
    }

    public let subject: String
    public let units: Int
    public let plan: Plan
    public let requestID: String
    public let route: String
    public let idempotencyKey: String?
    /// SHA-256 of the request body, kept with ``idempotencyKey``.
    let requestHash: [UInt8]?
    let meter: UsageMeter
    private let current = Mutex(State.pending)

    init(
        meter: UsageMeter, subject: String, units: Int, plan: Plan, requestID: String, route: String,
        idempotencyKey: String?,
        requestHash: [UInt8]?
    ) {
        self.meter = meter
        self.subject = subject
        self.units = units
        self.plan = plan
        self.requestID = requestID
        self.route = route
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
    }

    public var state: State { current.withLock { $0 } }

    /// The ledger row, once granted.
    public var ticket: UsageTicket? {
        guard case .granted(let ticket) = state else { return nil }
        return ticket
    }

    /// The usage to count.
    var usage: UsageMeter.Usage {
        UsageMeter.Usage(subject: subject, units: units, limit: plan.limit, requestID: requestID, route: route)
    }

    /// Counts the request inside `db`'s transaction (which may run more than once) and, if
    /// granted, forwards it with `forward`, which returns the worker and job the ledger row
    /// names, and the response when it is known there (kept under the idempotency key in the
    /// same transaction). Pass the outcome to ``settle(_:)`` once that transaction has committed.
    public func reserve(in db: Database, forward: (Database) throws -> UsageMeter.Forwarding) throws
        -> UsageMeter.Reservation
    {
        try meter.reserve(usage, idempotencyKey: idempotencyKey, requestHash: requestHash, in: db, forward: forward)
    }

    /// Counts the request in a durable write of its own and settles it; once charged, does
    /// nothing.
    /// - Returns: the stored response when this is a replay of an idempotent request.
    /// - Throws: ``APIError`` when the request is refused.
    public func charge() async throws -> Response? {
        guard state == .pending else { return nil }
        return try settle(try await meter.reserve(usage, idempotencyKey: idempotencyKey, requestHash: requestHash))
    }

    /// Records a committed reservation.
    /// - Returns: `nil` when granted (go on); the stored response for a replay.
    /// - Throws: ``APIError`` for a refusal — over the limit (429 with the reset time), an
    ///   idempotency key still in use (409) or used for another route (422).
    public func settle(_ reservation: UsageMeter.Reservation) throws -> Response? {
        current.withLock { state in
            if case .granted(let ticket) = reservation { state = .granted(ticket) } else { state = .settled }
        }
        switch reservation {
        case .granted:
            return nil
        case .replay(let stored):
            var headers: HTTPFields = [.idempotentReplayed: "true"]
            if let type = stored.contentType { headers[.contentType] = type }
            if let location = stored.location { headers[.location] = location }
            return Response(
                status: .init(code: stored.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
        case .overLimit(let used, let resetAt):
            throw APIError(
                .tooManyRequests, code: "over_limit",
                message: "the \(plan.name) plan allows \(plan.limit.units) requests per \(plan.limit.period.rawValue)",
                hint: "wait for the reset, or upgrade the plan",
                details: [
                    "plan": plan.name, "limit": "\(plan.limit.units)", "used": "\(used)",
                    "reset_at": resetAt.formatted(.iso8601),
                    "retry_after_seconds": "\(max(1, Int(resetAt.timeIntervalSinceNow.rounded(.up))))",
                ])
        case .inProgress:
            throw APIError(
                .conflict, code: "idempotency_key_in_use",
                message: "a request with this Idempotency-Key is still running",
                hint: "retry after it finishes to get its response")
        case .keyReused(let route):
            throw APIError(
                .unprocessableContent, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used for another route", hint: "use a fresh key per logical request",
                details: ["first_route": route])
        case .keyReusedWithAnotherBody:
            throw APIError(
                .unprocessableContent, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used with another request body",
                hint: "use a fresh key per logical request")
        }
    }
}
