import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// One request's usage charge, shared by ``UsageLimitMiddleware`` (which makes it and owns
/// it) and the handler below it (a ``ThinProxy`` counts it in its forwarding transaction):
/// what the request costs and its ``UsageChargeStateMachine``. Not public: a handler of your
/// own charges with ``APIContext/chargeUsage()``.
package final class UsageCharge: Sendable {
    package let plan: Plan
    package let usage: UsageMeter.Usage
    package let idempotencyKey: String?
    /// SHA-256 of the request body, kept with ``idempotencyKey``.
    package let requestHash: [UInt8]?
    let meter: UsageMeter
    private let machine: Mutex<UsageChargeStateMachine>

    init(
        meter: UsageMeter, usage: UsageMeter.Usage, plan: Plan, charging: UsageLimitMiddleware.Charging,
        idempotencyKey: String?, requestHash: [UInt8]?
    ) {
        self.meter = meter
        self.usage = usage
        self.plan = plan
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.machine = Mutex(UsageChargeStateMachine(charging: charging, hasIdempotencyKey: idempotencyKey != nil))
    }

    /// Whether the request is still to be counted.
    package var isPending: Bool { machine.withLock { $0.isPending } }

    /// The ledger row, once granted.
    package var ticket: UsageTicket? { machine.withLock { $0.ticket } }

    /// Runs `event` on the state machine.
    func transition<Action>(_ event: (inout UsageChargeStateMachine) -> Action) -> Action {
        machine.withLock { event(&$0) }
    }

    /// Counts the request in a durable write of its own; once charged, does nothing.
    /// - Returns: the stored response when this is a replay of an idempotent request.
    /// - Throws: ``APIError`` when the request is refused.
    package func charge() async throws -> Response? {
        guard isPending else { return nil }
        return try await charged(
            try await meter.charge(usage, idempotencyKey: idempotencyKey, requestHash: requestHash))
    }

    /// Records the outcome of counting the request (once its transaction has committed) and
    /// carries out what it calls for.
    /// - Returns: `nil` when granted (go on); the stored response for a replay.
    /// - Throws: ``APIError`` for a refusal.
    package func charged(_ outcome: UsageMeter.Outcome) async throws -> Response? {
        try await carryOut(transition { $0.charged(outcome) })
    }

    /// Carries out an outcome's action: go on (`nil`), replay, or refuse.
    func carryOut(_ action: UsageChargeStateMachine.OutcomeAction) async throws -> Response? {
        switch action {
        case .proceed: return nil
        case .refundDuplicate(let ticket):
            try await meter.refund(ticket)
            return nil
        case .replay(let stored): return Response(replaying: stored)
        case .refuse(let refusal): throw APIError.usageRefused(refusal, plan: plan)
        }
    }
}
