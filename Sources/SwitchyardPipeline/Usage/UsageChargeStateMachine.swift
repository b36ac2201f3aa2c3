import Foundation

/// The life of one request's usage charge, and nothing else: no database, no clock, no
/// HTTP. Each event is a mutating method returning what to do next; ``UsageLimitMiddleware``
/// (and, for the count it leaves to it, the ``ThinProxy``) carries the action out.
///
/// ```
///            charged: granted            handler failed / non-2xx: refund
///  pending ─────────────────▶ granted ───────────────────────────────────▶ settled
///     │                          │ 2xx: keep the response (idempotency key), respond
///     │ refused / replayed       ▼
///     └───────────────────▶ settled
/// ```
///
/// A request is charged once: before the handler (``UsageLimitMiddleware/Charging/beforeHandler``),
/// by the proxy in its forwarding transaction (``UsageLimitMiddleware/Charging/byProxy``), or,
/// when a handler that is not a proxy answered 2xx without charging, after it answered (with a
/// warning).
package struct UsageChargeStateMachine: Sendable, Hashable {
    package enum State: Sendable, Hashable {
        /// Not charged yet.
        case pending
        /// Counted, with this ledger row.
        case granted(UsageTicket)
        /// Done with: answered without a count (refused, or a replay of an idempotent request),
        /// or refunded.
        case settled
    }

    /// Why a request is refused instead of counted.
    package enum Refusal: Sendable, Hashable {
        /// The plan's limit would be exceeded.
        case overLimit(used: Int, resetAt: Date)
        /// A request with the same idempotency key is still running.
        case keyInProgress
        /// The idempotency key was used for another route.
        case keyReused(route: String)
        /// The idempotency key was used for the same route with another body.
        case keyReusedWithAnotherBody
    }

    /// What to do when the request arrives at the usage gate.
    package enum ArrivalAction: Sendable, Hashable {
        /// Count it now, in a durable write of its own, then report ``charged(_:)``.
        case charge
        /// Look up what an earlier request with its idempotency key left, report
        /// ``foundEarlierUse(_:)``, and run the handler if nothing was found.
        case lookUpEarlierUse
        /// Run the handler: the proxy counts it.
        case runHandler
    }

    /// What to do with a charge's outcome.
    package enum OutcomeAction: Sendable, Hashable {
        /// Go on (counted, or nothing found under the key).
        case proceed
        /// Answer with the response kept for the idempotency key.
        case replay(StoredResponse)
        /// Answer with the refusal's error.
        case refuse(Refusal)
        /// The request was counted already (two tasks of one handler charged it at once): give
        /// this second count back and go on; the first outcome stands.
        case refundDuplicate(UsageTicket)
    }

    /// What to do when the handler threw.
    package enum FailureAction: Sendable, Hashable {
        /// Give the count back.
        case refund(UsageTicket)
        /// Nothing was counted: nothing to give back.
        case none
    }

    /// What to do with the handler's answer.
    package enum AnswerAction: Sendable, Hashable {
        /// Send it as it is.
        case respond
        /// A failure (not 2xx): give the count back, then send it.
        case refund(UsageTicket)
        /// A success never charged (a handler that is not a proxy): log a warning, count it now
        /// and report ``charged(_:)``, then ask ``answered(status:)`` again.
        case chargeLate
        /// Keep the response under the idempotency key for replays, then send it.
        case keepResponse(UsageTicket)
    }

    package private(set) var state = State.pending
    let charging: UsageLimitMiddleware.Charging
    let hasIdempotencyKey: Bool

    package init(charging: UsageLimitMiddleware.Charging, hasIdempotencyKey: Bool) {
        self.charging = charging
        self.hasIdempotencyKey = hasIdempotencyKey
    }

    /// Whether the request is still to be counted: a proxy (or a handler) that charges it may.
    package var isPending: Bool { state == .pending }

    /// The ledger row, once granted.
    package var ticket: UsageTicket? {
        guard case .granted(let ticket) = state else { return nil }
        return ticket
    }

    /// The request reached the usage gate.
    package mutating func arrived() -> ArrivalAction {
        switch charging {
        case .beforeHandler: .charge
        // Left to the proxy, a retry is still answered from its key before the handler runs
        // again (a handler that is not a proxy would otherwise repeat its work).
        case .byProxy: hasIdempotencyKey ? .lookUpEarlierUse : .runHandler
        }
    }

    /// What an earlier request with the idempotency key left: `nil` when the key is new.
    package mutating func foundEarlierUse(_ earlier: UsageMeter.Outcome?) -> OutcomeAction {
        guard let earlier else { return .proceed }
        // A look-up never counts; a grant here would be a count nobody refunds.
        precondition(!earlier.isGranted, "Switchyard: an earlier use is never a grant")
        return charged(earlier)
    }

    /// The request was charged (by the gate, the proxy or a handler), with this outcome.
    package mutating func charged(_ outcome: UsageMeter.Outcome) -> OutcomeAction {
        guard isPending else {
            // A request is charged once; a second count made concurrently is given back.
            if case .granted(let duplicate) = outcome { return .refundDuplicate(duplicate) }
            return .proceed
        }
        switch outcome {
        case .granted(let ticket):
            state = .granted(ticket)
            return .proceed
        case .replay(let stored):
            state = .settled
            return .replay(stored)
        case .overLimit(let used, let resetAt):
            state = .settled
            return .refuse(.overLimit(used: used, resetAt: resetAt))
        case .inProgress:
            state = .settled
            return .refuse(.keyInProgress)
        case .keyReused(let route):
            state = .settled
            return .refuse(.keyReused(route: route))
        case .keyReusedWithAnotherBody:
            state = .settled
            return .refuse(.keyReusedWithAnotherBody)
        }
    }

    /// The handler (a later gate, the body's decoding, the worker) threw.
    package mutating func handlerFailed() -> FailureAction {
        guard let ticket else { return .none }
        state = .settled
        return .refund(ticket)
    }

    /// The handler answered with `status`.
    package mutating func answered(status: Int) -> AnswerAction {
        guard (200..<300).contains(status) else {
            guard let ticket else { return .respond }
            state = .settled
            return .refund(ticket)
        }
        switch state {
        case .pending:
            return .chargeLate
        case .granted(let ticket):
            state = .settled
            // A proxy that knew its answer inside the counting transaction kept it there.
            guard ticket.idempotencyKey != nil, !ticket.responseStored else { return .respond }
            return .keepResponse(ticket)
        case .settled:
            return .respond
        }
    }
}

extension UsageMeter.Outcome {
    var isGranted: Bool {
        if case .granted = self { return true }
        return false
    }
}
