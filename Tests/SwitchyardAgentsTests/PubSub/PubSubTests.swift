import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardAgents

@Suite struct PubSubTests {
    let topic = Topic<Int>("test:numbers")

    @Test func topicNamesAreValidated() {
        #expect(Topic<Int>.isValid("market:tick"))
        #expect(!Topic<Int>.isValid("market"))
        #expect(!Topic<Int>.isValid(":tick"))
        #expect(!Topic<Int>.isValid("market:"))
        #expect(!Topic<Int>.isValid("market: tick"))
        #expect(Topic<Int>(domain: "a", event: "b").name == "a:b")
        #expect(Topic<Int>("kitchen:agent_observation").event == "agent_observation")
    }

    @Test func deliversInPublishOrderPerPublisher() async {
        let bus = PubSub()
        let subscription = bus.subscribe(topic, options: .init(capacity: 10_000))
        // Two concurrent publishers; each one's messages must arrive in its own order.
        await withDiscardingTaskGroup { group in
            for publisher in 0..<2 {
                group.addTask {
                    for n in 0..<1000 { await bus.broadcast(publisher * 1_000_000 + n, on: topic) }
                }
            }
        }
        var last = [-1, -1]
        var count = 0
        for await message in subscription {
            let publisher = message / 1_000_000
            let n = message % 1_000_000
            #expect(n == last[publisher] + 1)
            last[publisher] = n
            count += 1
            if count == 2000 { break }
        }
        #expect(last == [999, 999])
        #expect(subscription.droppedCount == 0)
    }

    @Test func everySubscriberGetsEveryMessage() async {
        let bus = PubSub()
        let subscriptions = (0..<5).map { _ in bus.subscribe(topic) }
        for n in 1...3 { await bus.broadcast(n, on: topic) }
        for subscription in subscriptions {
            var received: [Int] = []
            for await n in subscription {
                received.append(n)
                if received.count == 3 { break }
            }
            #expect(received == [1, 2, 3])
        }
    }

    @Test func dropOldestKeepsTheNewestAndCounts() async {
        let bus = PubSub()
        let subscription = bus.subscribe(topic, options: .init(capacity: 3, overflow: .dropOldest))
        for n in 1...10 { await bus.broadcast(n, on: topic) }
        #expect(subscription.droppedCount == 7)
        subscription.cancel()
        #expect(await subscription.collected() == [8, 9, 10])
    }

    @Test func dropNewestKeepsTheOldestAndCounts() async {
        let bus = PubSub()
        let subscription = bus.subscribe(topic, options: .init(capacity: 3, overflow: .dropNewest))
        for n in 1...10 { await bus.broadcast(n, on: topic) }
        #expect(subscription.droppedCount == 7)
        subscription.cancel()
        #expect(await subscription.collected() == [1, 2, 3])
    }

    @Test func suspendPublisherLosesNothingAndPacesThePublisherForEveryone() async {
        let bus = PubSub()
        let slow = bus.subscribe(topic, options: .init(capacity: 2, overflow: .suspendPublisher))
        let fast = bus.subscribe(topic, options: .init(capacity: 100))
        let published = Counter()
        await withDiscardingTaskGroup { group in
            group.addTask {
                for n in 1...5 {
                    await bus.broadcast(n, on: topic)
                    published.increment()
                }
            }
            // The publisher fills the slow buffer (2) and suspends on the third message,
            // after the fast subscriber already has it.
            #expect(await eventually { slow.mailbox.state.withLock { $0.blockedCount } == 1 })
            #expect(published.value == 2)
            // The fast subscriber has the third message, but the fourth and fifth reach it
            // only once the slow one makes room: it is delayed through the publisher.
            #expect(fast.bufferedCount == 3)
            var received: [Int] = []
            for await n in slow {
                received.append(n)
                if received.count == 5 { break }
            }
            #expect(received == [1, 2, 3, 4, 5])
        }
        #expect(slow.droppedCount == 0)
        #expect(fast.droppedCount == 0)
    }

    @Test func suspendedPublisherCancelledCountsADrop() async {
        let bus = PubSub()
        let slow = bus.subscribe(topic, options: .init(capacity: 1, overflow: .suspendPublisher))
        await bus.broadcast(1, on: topic)
        await withDiscardingTaskGroup { group in
            group.addTask { await bus.broadcast(2, on: topic) }
            #expect(await eventually { slow.mailbox.state.withLock { $0.blockedCount } == 1 })
            group.cancelAll()
        }
        #expect(slow.droppedCount == 1)
        slow.cancel()
        #expect(await slow.collected() == [1])
    }

    @Test func unsubscribeReleasesBlockedPublishersAndCountsThem() async {
        let bus = PubSub()
        let slow = bus.subscribe(topic, options: .init(capacity: 1, overflow: .suspendPublisher))
        await bus.broadcast(1, on: topic)
        await withDiscardingTaskGroup { group in
            group.addTask { await bus.broadcast(2, on: topic) }
            #expect(await eventually { slow.mailbox.state.withLock { $0.blockedCount } == 1 })
            slow.cancel()
        }
        #expect(slow.droppedCount == 1)
    }

    @Test func unsubscribeStopsDeliveryAndEndsIteration() async {
        let bus = PubSub()
        let subscription = bus.subscribe(topic)
        let other = bus.subscribe(topic)
        #expect(bus.subscriberCount(of: topic) == 2)
        await bus.broadcast(1, on: topic)
        subscription.cancel()
        #expect(bus.subscriberCount(of: topic) == 1)
        await bus.broadcast(2, on: topic)
        // The buffered message is still read, the one sent after unsubscribing is not.
        #expect(await subscription.collected() == [1])
        other.cancel()
        #expect(await other.collected() == [1, 2])
        #expect(bus.subscriberCount(of: topic) == 0)
    }

    @Test func parkedIteratorWakesOnUnsubscribe() async {
        let bus = PubSub()
        let subscription = bus.subscribe(topic)
        await withDiscardingTaskGroup { group in
            group.addTask { #expect(await subscription.collected().isEmpty) }
            #expect(
                await eventually {
                    if case .waiting = subscription.mailbox.state.withLock({ $0.consumer }) { true } else { false }
                })
            subscription.cancel()
        }
    }

    @Test func broadcastFromSkipsTheSender() async {
        let bus = PubSub()
        let me = bus.makeSubscriberID()
        let mine = bus.subscribe(topic, as: me)
        let theirs = bus.subscribe(topic)
        await bus.broadcast(1, on: topic, from: me)
        await bus.broadcast(2, on: topic)
        mine.cancel()
        theirs.cancel()
        #expect(await mine.collected() == [2])
        #expect(await theirs.collected() == [1, 2])
    }

    @Test func topicsWithTheSameNameButAnotherTypeAreSeparate() async {
        let bus = PubSub()
        let ints = bus.subscribe(topic)
        let strings = bus.subscribe(Topic<String>("test:numbers"))
        await bus.broadcast(1, on: topic)
        await bus.broadcast("one", on: Topic<String>("test:numbers"))
        ints.cancel()
        strings.cancel()
        #expect(await ints.collected() == [1])
        #expect(await strings.collected() == ["one"])
    }

    @Test func handlerSubscriptionsRunOnTheBusInOrder() async throws {
        let bus = PubSub(configuration: .init(runners: 2))
        let (done, doneContinuation) = AsyncStream<[Int]>.makeStream()
        let received = Mutex<[Int]>([])
        let handle = bus.subscribe(topic) { n in
            let all = received.withLock {
                $0.append(n); return $0
            }
            if all.count == 500 { doneContinuation.yield(all) }
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await bus.run() }
            for n in 0..<500 { await bus.broadcast(n, on: topic) }
            var iterator = done.makeAsyncIterator()
            #expect(await iterator.next() == Array(0..<500))
            group.cancelAll()
        }
        #expect(handle.droppedCount == 0)
    }

    @Test func aSlowHandlerDoesNotDelayOthers() async throws {
        let bus = PubSub(configuration: .init(runners: 2))
        let gate = AsyncStream<Void>.makeStream()
        let (fastDone, fastContinuation) = AsyncStream<Int>.makeStream()
        let (slowStarted, slowStartedContinuation) = AsyncStream<Void>.makeStream()
        let slow = bus.subscribe(topic, options: .init(capacity: 4)) { _ in
            // Blocks its runner until the test opens the gate.
            slowStartedContinuation.yield()
            for await _ in gate.stream { break }
        }
        _ = bus.subscribe(topic) { n in fastContinuation.yield(n) }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await bus.run() }
            await bus.broadcast(1, on: topic)
            for await _ in slowStarted { break }
            for n in 2...100 { await bus.broadcast(n, on: topic) }
            var received: [Int] = []
            for await n in fastDone {
                received.append(n)
                if received.count == 100 { break }
            }
            #expect(received == Array(1...100))
            // The slow one holds the first message and dropped the overflow, counted.
            #expect(slow.droppedCount == 100 - 1 - 4)
            gate.continuation.finish()
            group.cancelAll()
        }
    }
}

/// A thread-safe counter for tests.
final class Counter: Sendable {
    private let storage = Atomic(0)
    func increment() { storage.add(1, ordering: .relaxed) }
    var value: Int { storage.load(ordering: .relaxed) }
}
