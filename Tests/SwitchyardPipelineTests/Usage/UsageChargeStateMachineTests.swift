import Foundation
import SwitchyardPipeline
import Testing

/// The charge's lifecycle alone: synchronous, no database, no HTTP.
@Suite struct UsageChargeStateMachineTests {
    typealias Machine = UsageChargeStateMachine

    static let ticket = UsageTicket(ledgerID: 7, subject: "ada", periodStart: 0, units: 1, idempotencyKey: nil)
    static let keyedTicket = UsageTicket(ledgerID: 8, subject: "ada", periodStart: 0, units: 1, idempotencyKey: "k")
    static let stored = StoredResponse(status: 202, contentType: "application/json", body: Array("{}".utf8))

    @Test func chargingBeforeTheHandlerCountsOnArrival() {
        var machine = Machine(charging: .beforeHandler, hasIdempotencyKey: true)
        #expect(machine.arrived() == .charge)
    }

    @Test func chargingByProxyWithoutAKeyLeavesTheCountToTheHandler() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: false)
        #expect(machine.arrived() == .runHandler)
        #expect(machine.isPending)
    }

    @Test func chargingByProxyWithAKeyLooksUpItsEarlierUseFirst() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        #expect(machine.arrived() == .lookUpEarlierUse)
    }

    @Test func aNewKeyGoesOnUncounted() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        _ = machine.arrived()
        #expect(machine.foundEarlierUse(nil) == .proceed)
        #expect(machine.state == .pending)
    }

    @Test func aCompletedKeyIsReplayedAndSettled() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        #expect(machine.foundEarlierUse(.replay(Self.stored)) == .replay(Self.stored))
        #expect(machine.state == .settled)
    }

    @Test func aKeyStillRunningIsRefused() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        #expect(machine.foundEarlierUse(.inProgress) == .refuse(.keyInProgress))
        #expect(machine.state == .settled)
    }

    @Test func aGrantIsRecordedWithItsTicket() {
        var machine = Machine(charging: .beforeHandler, hasIdempotencyKey: false)
        #expect(machine.charged(.granted(Self.ticket)) == .proceed)
        #expect(machine.state == .granted(Self.ticket) && machine.ticket == Self.ticket && !machine.isPending)
    }

    /// Two tasks of one handler charging at once: the first count stands, the second is given
    /// back (neither a crash nor a count nobody refunds).
    @Test func aSecondCountIsGivenBackAndTheFirstStands() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: false)
        #expect(machine.charged(.granted(Self.ticket)) == .proceed)
        #expect(machine.charged(.granted(Self.keyedTicket)) == .refundDuplicate(Self.keyedTicket))
        #expect(machine.charged(.overLimit(used: 3, resetAt: Date())) == .proceed)
        #expect(machine.ticket == Self.ticket)
    }

    @Test func eachRefusalIsNamed() {
        let resetAt = Date(timeIntervalSince1970: 86_400)
        let cases: [(UsageMeter.Outcome, Machine.Refusal)] = [
            (.overLimit(used: 3, resetAt: resetAt), .overLimit(used: 3, resetAt: resetAt)),
            (.inProgress, .keyInProgress),
            (.keyReused(route: "/api/other"), .keyReused(route: "/api/other")),
            (.keyReusedWithAnotherBody, .keyReusedWithAnotherBody),
        ]
        for (outcome, refusal) in cases {
            var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
            #expect(machine.charged(outcome) == .refuse(refusal))
            #expect(machine.state == .settled)
        }
    }

    @Test func aFailedHandlerRefundsTheCount() {
        var machine = Machine(charging: .beforeHandler, hasIdempotencyKey: false)
        _ = machine.charged(.granted(Self.ticket))
        #expect(machine.handlerFailed() == .refund(Self.ticket))
        #expect(machine.state == .settled)
    }

    @Test func aFailureBeforeTheCountRefundsNothing() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: false)
        #expect(machine.handlerFailed() == .none)
    }

    @Test func aFailureAnswerRefundsTheCountOnce() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: false)
        _ = machine.charged(.granted(Self.ticket))
        #expect(machine.answered(status: 400) == .refund(Self.ticket))
        #expect(machine.answered(status: 400) == .respond)
    }

    @Test func aFailureAnswerOfAnUncountedRequestIsSentAsItIs() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: false)
        #expect(machine.answered(status: 500) == .respond)
        #expect(machine.state == .pending)
    }

    @Test func anUnchargedSuccessIsChargedLateThenKeptUnderItsKey() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        #expect(machine.answered(status: 200) == .chargeLate)
        #expect(machine.charged(.granted(Self.keyedTicket)) == .proceed)
        #expect(machine.answered(status: 200) == .keepResponse(Self.keyedTicket))
        #expect(machine.state == .settled)
    }

    @Test func aGrantedSuccessWithoutAKeyIsSentAsItIs() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: false)
        _ = machine.charged(.granted(Self.ticket))
        #expect(machine.answered(status: 202) == .respond)
    }

    @Test func aResponseKeptWithTheCountIsNotKeptAgain() {
        var ticket = Self.keyedTicket
        ticket.responseStored = true
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        _ = machine.charged(.granted(ticket))
        #expect(machine.answered(status: 202) == .respond)
    }

    @Test func aReplayedSuccessIsNeitherChargedNorKept() {
        var machine = Machine(charging: .byProxy, hasIdempotencyKey: true)
        _ = machine.charged(.replay(Self.stored))
        #expect(machine.answered(status: 202) == .respond)
        #expect(machine.handlerFailed() == .none)
    }
}
