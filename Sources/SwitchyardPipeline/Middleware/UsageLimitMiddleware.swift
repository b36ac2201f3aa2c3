import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Gate 2: counts the request against the plan's limit, race-free (see ``UsageMeter``), and
/// refunds the count if the request then fails — a later gate, a bad body, a worker error —
/// so only successful requests are counted.
///
/// When it counts is ``Charging``: in the thin proxy's own transaction (the default), so one
/// durable write holds the count, its ledger row and the job and a request refused before it
/// is forwarded is never counted, or before the handler runs.
///
/// With an `Idempotency-Key` header, a retried request is counted once: a completed first
/// request's response is replayed (`Idempotent-Replayed: true`), one still running gets 409.
public struct UsageLimitMiddleware: RouterMiddleware {
    public typealias Context = APIContext

    /// When a request is counted.
    public enum Charging: Sendable {
        /// Before the handler runs: an over-limit request never reaches it. A request that
        /// then fails (a later gate, a bad body, a worker error) is refunded, but until then it
        /// holds its units: a concurrent valid request near the limit may get a 429 that the
        /// refused one caused.
        case beforeHandler
        /// The default. By the ``ThinProxy`` that handles the request, in the transaction that forwards it
        /// (an enqueue: the count, the job and an idempotent request's answer commit together,
        /// in one durable write instead of two or three), or just before it awaits an
        /// in-process worker. For API groups whose costed
        /// routes are all thin proxies, as a Pipeline app's are. A request refused before it is
        /// forwarded (a later gate, a bad body) is never counted, so it cannot take the place
        /// of a valid one. A handler of your own counts first
        /// with `if let replay = try await context.chargeUsage() { return replay }`; one that
        /// does not is counted after it succeeds (its response replaced by the refusal if that
        /// fails), with a warning in the log.
        case byProxy
    }

    let meter: UsageMeter
    let cost: @Sendable (Request) -> Int
    let charging: Charging

    /// - Parameter cost: the units a request costs; 0 is not counted. Default: 1 for
    ///   `POST`, `PUT`, `PATCH` and `DELETE`, 0 for reads.
    public init(
        meter: UsageMeter, cost: @escaping @Sendable (Request) -> Int = UsageLimitMiddleware.writesCostOne,
        charging: Charging = .byProxy
    ) {
        self.meter = meter
        self.cost = cost
        self.charging = charging
    }

    public static let writesCostOne: @Sendable (Request) -> Int = { request in
        switch request.method {
        case .post, .put, .patch, .delete: 1
        default: 0
        }
    }

    /// Idempotency keys longer than this are refused.
    static let maximumKeyLength = 255

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let units = cost(request)
        guard units > 0 else { return try await next(request, context) }
        guard let plan = context.plan else {
            throw APIError.middlewareOrder("usage limits need the subscription gate first")
        }
        let key = request.headers[.idempotencyKey]
        if let key, key.isEmpty || key.utf8.count > Self.maximumKeyLength {
            throw APIError.invalidIdempotencyKey()
        }
        // A key is bound to the request's body: a retry must send the same one.
        var request = request
        var requestHash: [UInt8]?
        if key != nil {
            requestHash = Array(
                SHA256.hash(data: try await request.collectBody(upTo: context.maxUploadSize).readableBytesView))
        }
        let usage = UsageMeter.Usage(
            subject: context.identity.subject, units: units, limit: plan.limit, requestID: context.id,
            route: route(request, context))
        let charge = UsageCharge(
            meter: meter, usage: usage, plan: plan, charging: charging, idempotencyKey: key, requestHash: requestHash)
        switch charge.transition({ $0.arrived() }) {
        case .charge:
            if let replay = try await charge.charge() { return replay }
        case .lookUpEarlierUse:
            let earlier = try await meter.earlierUse(of: key!, for: usage, requestHash: requestHash)
            if let replay = try await charge.carryOut(charge.transition { $0.foundEarlierUse(earlier) }) {
                return replay
            }
        case .runHandler:
            break
        }
        var context = context
        context.usage = charge
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            if case .refund(let ticket) = charge.transition({ $0.handlerFailed() }) {
                await refund(ticket, context: context)
            }
            throw error
        }
        while true {
            switch charge.transition({ $0.answered(status: response.status.code) }) {
            case .respond:
                return response
            case .refund(let ticket):
                await refund(ticket, context: context)
                return response
            case .chargeLate:
                context.logger.warning(
                    "a costed route was not charged by a thin proxy: counted after it answered",
                    metadata: ["http.route": "\(usage.route)"])
                if let replay = try await charge.charge() { return replay }
            case .keepResponse(let ticket):
                return try await keep(response, for: ticket, context: context)
            }
        }
    }
}

extension UsageLimitMiddleware {
    /// Gives back the count of a failed request; a failure to do so is logged, and the
    /// request's own outcome (its error or response) still reaches the caller.
    private func refund(_ ticket: UsageTicket, context: Context) async {
        do {
            try await meter.refund(ticket)
        } catch {
            context.logger.error(
                "refunding usage failed; the request stays counted",
                metadata: safeMetadata(of: error).merging(["usage.ledger_id": "\(ticket.ledgerID)"]) { $1 })
        }
    }

    /// Keeps a granted idempotent request's response for replays, and answers with it.
    private func keep(_ response: Response, for ticket: UsageTicket, context: Context) async throws -> Response {
        // The body is small JSON from a thin proxy.
        let collected = CollectingWriter.Bytes()
        try await response.body.write(CollectingWriter(into: collected))
        let stored = StoredResponse(
            status: response.status.code, contentType: response.headers[.contentType],
            location: response.headers[.location],
            body: collected.bytes)
        do {
            try await meter.keepResponse(stored, for: ticket)
        } catch {
            // The request is done (counted, forwarded): its answer still goes to the caller.
            // Retries with the key get 409 until it expires, never a second execution.
            context.logger.error(
                "keeping the response for idempotent retries failed",
                metadata: safeMetadata(of: error).merging(["usage.ledger_id": "\(ticket.ledgerID)"]) { $1 })
        }
        return Response(
            status: response.status, headers: response.headers, body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
    }
}
