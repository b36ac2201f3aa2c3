import DequeModule
import Logging
import ServiceLifecycle
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardAgents

@Suite struct StateStoreAndTickerTests {
    @Test func updatesApplyInOrderAndArePublishedWithVersions() async throws {
        let bus = PubSub()
        let topic = Topic<StateChange<[Int]>>("test:state_changed")
        let changes = bus.subscribe(topic)
        let store = StateStore(initial: [Int](), changes: topic, bus: bus)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await store.run() }
            for n in 1...5 { try await store.update { $0.append(n) } }
            let count = try await store.update { $0.count }
            #expect(count == 5)
            #expect(store.snapshot == [1, 2, 3, 4, 5])
            let published = await changes.first(6)
            #expect(published.map(\.version) == [1, 2, 3, 4, 5, 6])
            #expect(published.last?.state == [1, 2, 3, 4, 5])
            // A throwing update changes nothing.
            await #expect(throws: Boom.self) {
                try await store.update { state in
                    state.append(99); throw Boom()
                }
            }
            #expect(store.snapshot == [1, 2, 3, 4, 5])
            group.cancelAll()
        }
        // Not running: an update waits for the next run, and cancelling its task withdraws it.
        await withDiscardingTaskGroup { group in
            group.addTask {
                await #expect(throws: CancellationError.self) { try await store.update { $0.append(6) } }
            }
            group.cancelAll()
        }
        #expect(store.snapshot == [1, 2, 3, 4, 5])
    }

    @Test func tickerPublishesNumberedTicksOnTheClock() async throws {
        let bus = PubSub()
        let clock = MockClock()
        let topic = Topic<Tick>("test:tick")
        let ticks = bus.subscribe(topic)
        let ticker = Ticker(topic: topic, every: .seconds(1), limit: 3, bus: bus, clock: clock)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await ticker.run() }
            for second in 1...3 {
                let deadline = await clock.nextSleepScheduled()
                #expect(deadline == .init(offset: .seconds(second)))
                #expect(ticks.bufferedCount == second - 1)
                clock.advance(to: deadline)
                #expect(await eventually { ticks.bufferedCount == second })
            }
        }
        ticks.cancel()
        #expect(await ticks.collected().map(\.number) == [1, 2, 3])
    }
}
