import DequeModule
import Testing

@testable import SwitchyardAgents

/// The mailbox rules, driven synchronously: waiters are strings, so no task, clock or
/// continuation is involved.
@Suite struct MailboxStateMachineTests {
    typealias Machine = MailboxStateMachine<Int, String>

    func machine(_ capacity: Int, _ overflow: OverflowPolicy, scheduled: Bool = true) -> Machine {
        Machine(options: SubscriptionOptions(capacity: capacity, overflow: overflow), scheduled: scheduled)
    }

    func text(_ wake: Machine.Wake) -> String {
        switch wake {
        case .none: "none"
        case .schedule: "schedule"
        case .resume(let waiter): "resume \(waiter)"
        }
    }

    func text(_ action: Machine.OfferAction) -> String {
        switch action {
        case .buffered(let wake): "buffered, \(text(wake))"
        case .bufferedDroppingOldest(let wake): "dropped oldest, \(text(wake))"
        case .droppedIncoming: "dropped incoming"
        case .suspend: "suspend"
        case .ignored: "ignored"
        }
    }

    func text(_ action: Machine.BlockAction) -> String {
        switch action {
        case .buffered(let wake): "buffered, \(text(wake))"
        case .parked(let id): "parked \(id)"
        case .dropped: "dropped"
        }
    }

    func drain(_ machine: inout Machine) -> (batch: [Int], resumed: [String]) {
        var batch = Deque<Int>()
        let resumed = machine.takeBatch(into: &batch)
        return (Array(batch), resumed)
    }

    // MARK: Overflow policies

    @Test func dropOldestKeepsTheNewestMessagesAndCountsTheDrop() {
        var machine = machine(2, .dropOldest)
        let actions = [1, 2, 3].map { text(machine.offer($0)) }
        #expect(actions == ["buffered, schedule", "buffered, none", "dropped oldest, none"])
        #expect(Array(machine.buffer) == [2, 3])
        #expect(machine.dropped == 1)
    }

    @Test func dropNewestKeepsTheEarliestMessagesAndCountsTheDrop() {
        var machine = machine(2, .dropNewest)
        let actions = [1, 2, 3, 4].map { text(machine.offer($0)) }
        #expect(actions == ["buffered, schedule", "buffered, none", "dropped incoming", "dropped incoming"])
        #expect(Array(machine.buffer) == [1, 2])
        #expect(machine.dropped == 2)
    }

    @Test func suspendPublisherDropsNothingAndParksThePublisher() {
        var machine = machine(1, .suspendPublisher)
        #expect(text(machine.offer(1)) == "buffered, schedule")
        #expect(text(machine.offer(2)) == "suspend")
        #expect(text(machine.block(2, continuation: "p2", isCancelled: false)) == "parked 0")
        #expect(Array(machine.buffer) == [1])
        #expect(machine.blockedCount == 1)
        #expect(machine.dropped == 0)
    }

    @Test func aBlockingPublisherThatFindsRoomIsBufferedAtOnce() {
        var machine = machine(1, .suspendPublisher)
        _ = machine.offer(1)
        #expect(text(machine.offer(2)) == "suspend")
        // The consumer takes the batch before the publisher gets to block.
        #expect(drain(&machine).batch == [1])
        #expect(text(machine.block(2, continuation: "p2", isCancelled: false)) == "buffered, none")
        #expect(Array(machine.buffer) == [2])
        #expect(machine.blockedCount == 0)
    }

    @Test func aCancelledBlockingPublisherIsDroppedAndCounted() {
        var machine = machine(1, .suspendPublisher)
        _ = machine.offer(1)
        #expect(text(machine.block(2, continuation: "p2", isCancelled: true)) == "dropped")
        #expect(machine.dropped == 1)
        #expect(machine.blockedCount == 0)
    }

    @Test func cancellingAParkedPublisherReleasesItAndCountsItsMessage() {
        var machine = machine(1, .suspendPublisher)
        _ = machine.offer(1)
        _ = machine.block(2, continuation: "p2", isCancelled: false)
        _ = machine.block(3, continuation: "p3", isCancelled: false)
        #expect(machine.cancelBlocked(id: 0) == "p2")
        #expect(machine.cancelBlocked(id: 0) == nil)
        #expect(machine.dropped == 1)
        #expect(drain(&machine) == ([1], ["p3"]))
        #expect(Array(machine.buffer) == [3])
    }

    // MARK: Ordering

    @Test func blockedPublishersRefillTheBufferInArrivalOrder() {
        var machine = machine(1, .suspendPublisher)
        _ = machine.offer(1)
        for (message, publisher) in [(2, "p2"), (3, "p3"), (4, "p4")] {
            #expect(text(machine.offer(message)) == "suspend")
            _ = machine.block(message, continuation: publisher, isCancelled: false)
        }
        #expect(drain(&machine) == ([1], ["p2"]))
        #expect(drain(&machine) == ([2], ["p3"]))
        #expect(drain(&machine) == ([3], ["p4"]))
        #expect(drain(&machine) == ([4], []))
    }

    @Test func aNewMessageWaitsBehindBlockedPublishers() {
        var machine = machine(2, .suspendPublisher)
        _ = machine.offer(1)
        _ = machine.offer(2)
        _ = machine.block(3, continuation: "p3", isCancelled: false)
        _ = machine.block(4, continuation: "p4", isCancelled: false)
        // The batch empties the buffer, so there is room for both: p3's and p4's messages
        // move in, in arrival order, and both publishers resume. The buffer is full again.
        var batch = Deque<Int>()
        #expect(machine.takeBatch(into: &batch) == ["p3", "p4"])
        #expect(Array(batch) == [1, 2])
        #expect(Array(machine.buffer) == [3, 4])
        #expect(text(machine.offer(5)) == "suspend")
    }

    @Test func aBatchHoldsEveryBufferedMessageInOrder() {
        var machine = machine(8, .dropOldest)
        for message in 1...5 { _ = machine.offer(message) }
        #expect(drain(&machine).batch == [1, 2, 3, 4, 5])
        #expect(machine.buffer.isEmpty)
    }

    // MARK: Wake-ups

    @Test func aHandlerMailboxIsScheduledOnlyOnItsIdleToActiveEdge() {
        var machine = machine(8, .dropOldest)
        #expect(text(machine.offer(1)) == "buffered, schedule")
        #expect(text(machine.offer(2)) == "buffered, none")
        _ = drain(&machine)
        #expect(text(machine.offer(3)) == "buffered, none")
        // More arrived during the batch: the handler stays scheduled.
        #expect(machine.finishScheduledBatch() == true)
        #expect(text(machine.offer(4)) == "buffered, none")
        _ = drain(&machine)
        #expect(machine.finishScheduledBatch() == false)
        #expect(text(machine.offer(5)) == "buffered, schedule")
    }

    @Test func aDropOldestArrivalOnAFullBufferDoesNotWakeAnActiveHandler() {
        var machine = machine(1, .dropOldest)
        _ = machine.offer(1)
        _ = drain(&machine)
        _ = machine.offer(2)
        // Consumer is active with one message; it finishes and goes idle only when empty.
        #expect(machine.finishScheduledBatch() == true)
        #expect(text(machine.offer(3)) == "dropped oldest, none")
    }

    @Test func aParkedIteratorIsResumedOnceByTheNextMessage() {
        var machine = machine(8, .dropOldest, scheduled: false)
        #expect(text(machine.offer(1)) == "buffered, none")
        _ = drain(&machine)
        #expect(machine.park("w", isCancelled: false) == true)
        #expect(text(machine.offer(2)) == "buffered, resume w")
        #expect(text(machine.offer(3)) == "buffered, none")
    }

    @Test func anIteratorDoesNotParkWhileMessagesWaitOrAfterCloseOrCancellation() {
        var machine = machine(8, .dropOldest, scheduled: false)
        _ = machine.offer(1)
        #expect(machine.park("w", isCancelled: false) == false)
        _ = drain(&machine)
        #expect(machine.park("w", isCancelled: true) == false)
        _ = machine.close()
        #expect(machine.park("w", isCancelled: false) == false)
    }

    @Test func unparkingACancelledIteratorReturnsItsWaiterOnce() {
        var machine = machine(8, .dropOldest, scheduled: false)
        #expect(machine.park("w", isCancelled: false) == true)
        #expect(machine.unpark() == "w")
        #expect(machine.unpark() == nil)
        #expect(text(machine.offer(1)) == "buffered, none")
    }

    // MARK: Close and drain

    @Test func closeKeepsBufferedMessagesReleasesPublishersAndWakesTheIterator() {
        var parkedIterator = machine(1, .suspendPublisher, scheduled: false)
        #expect(parkedIterator.park("w", isCancelled: false) == true)
        let woken = parkedIterator.close()
        #expect(woken.waiter == "w")
        #expect(woken.publishers.isEmpty)

        var machine = machine(1, .suspendPublisher, scheduled: false)
        _ = machine.offer(1)
        _ = machine.block(2, continuation: "p2", isCancelled: false)
        _ = machine.block(3, continuation: "p3", isCancelled: false)
        let closed = machine.close()
        #expect(closed.waiter == nil)
        #expect(closed.publishers == ["p2", "p3"])
        #expect(machine.dropped == 2)
        #expect(drain(&machine) == ([1], []))
    }

    @Test func afterCloseMessagesAreIgnoredAndASecondCloseDoesNothing() {
        var machine = machine(1, .suspendPublisher)
        _ = machine.close()
        #expect(text(machine.offer(1)) == "ignored")
        #expect(text(machine.block(1, continuation: "p1", isCancelled: false)) == "dropped")
        let again = machine.close()
        #expect(again.waiter == nil && again.publishers.isEmpty)
        #expect(machine.buffer.isEmpty)
    }
}
