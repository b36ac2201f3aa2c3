import Logging
import ServiceLifecycle
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardAgents

@Suite struct StateStoreTests {
    let topic = Topic<StateChange<Int>>("test:state_changed")

    /// Runs `store` for the duration of `body`, then stops it.
    func whileRunning(_ store: StateStore<Int>, _ body: () async throws -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await store.run() }
            try await body()
            group.cancelAll()
        }
    }

    @Test func aThrowingUpdateLeavesTheVersionAloneAndPublishesNothing() async throws {
        let bus = PubSub()
        let changes = bus.subscribe(topic)
        let store = StateStore(initial: 0, changes: topic, bus: bus)
        try await whileRunning(store) {
            await #expect(throws: Boom.self) {
                try await store.update { state in
                    state = 99; throw Boom()
                }
            }
            #expect(store.version == 0)
            #expect(store.snapshot == 0)
            try await store.update { $0 = 1 }
            // The first change published is the successful update, as version 1.
            let published = await changes.first(1)
            #expect(published.map(\.version) == [1])
            #expect(changes.bufferedCount == 0)
        }
    }

    @Test func anUpdateMayReadTheSnapshot() async throws {
        let store = StateStore(initial: 5)
        try await whileRunning(store) {
            // Reading the store from inside an update used to take the store's lock twice.
            let seen = try await store.update { state -> Int in
                let before = store.snapshot
                state = before + 1
                return before
            }
            #expect(seen == 5)
            #expect(store.snapshot == 6)
        }
    }

    @Test func anUpdateReturnsOnlyOnceItsChangeIsPublished() async throws {
        let bus = PubSub()
        // Room for one change, and the publisher waits for room: the second change can be
        // published only after the test reads the first.
        let changes = bus.subscribe(topic, options: .init(capacity: 1, overflow: .suspendPublisher))
        let store = StateStore(initial: 0, changes: topic, bus: bus)
        let flags = Flags()
        try await whileRunning(store) {
            try await store.update { $0 = 1 }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    try await store.update { $0 = 2 }
                    flags.returned.store(true, ordering: .sequentiallyConsistent)
                    let published = flags.firstChangeTaken.load(ordering: .sequentiallyConsistent)
                    #expect(published, "returned before publishing")
                }
                // The second change waits for room: its publisher is suspended.
                #expect(await eventually { changes.mailbox.state.withLock { $0.blockedCount } == 1 })
                // Give an early return every chance to show.
                await eventually(maxYields: 2_000) { flags.returned.load(ordering: .sequentiallyConsistent) }
                flags.firstChangeTaken.store(true, ordering: .sequentiallyConsistent)
                var iterator = changes.makeAsyncIterator()
                #expect(await iterator.next()?.version == 1)
                #expect(await iterator.next()?.version == 2)
            }
            let hasReturned = flags.returned.load(ordering: .sequentiallyConsistent)
            #expect(hasReturned)
        }
    }

    @Test func theStoreRunsAgainAfterItsRunEndedAndKeepsItsState() async throws {
        let bus = PubSub()
        let changes = bus.subscribe(topic)
        let store = StateStore(initial: 0, changes: topic, bus: bus)
        try await whileRunning(store) { try await store.update { $0 += 1 } }
        try await withThrowingDiscardingTaskGroup { group in
            // Sent between runs: applied by the next one.
            group.addTask { try await store.update { $0 += 1 } }
            try await whileRunning(store) {
                #expect(await eventually { store.version == 2 })
                #expect(store.snapshot == 2)
                // One run loop at a time.
                await #expect(throws: StateStoreAlreadyRunning.self) { try await store.run() }
            }
        }
        #expect(await changes.first(2).map(\.version) == [1, 2])
    }

    @Test func aSupervisorRestartingTheStoreKeepsItUsable() async throws {
        // The kitchen registers its store as a permanent child; under one-for-all a crash of
        // a sibling stops and restarts the store too.
        let store = StateStore(initial: 0)
        let crashes = CrashCount()
        let tree = try Supervisor(
            children: [
                .service("state", stage: .state, store),
                ChildSpec("flaky", stage: .pureAgents) { FlakyChild(crashes: crashes) },
            ],
            options: .init(strategy: .oneForAll, maxRestarts: 3), clock: MockClock())
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await ServiceGroup(services: [tree], logger: .init(label: "test")).run() }
            let restarted = await eventually { crashes.value.load(ordering: .relaxed) == 1 && tree.startLog.count == 4 }
            #expect(restarted)
            try await store.update { $0 += 1 }
            #expect(store.snapshot == 1)
            group.cancelAll()
        }
    }
}

final class Flags: Sendable {
    let returned = Atomic<Bool>(false)
    let firstChangeTaken = Atomic<Bool>(false)
}

final class CrashCount: Sendable {
    let value = Atomic<Int>(0)
}

/// Crashes on its first run, then waits for shutdown.
struct FlakyChild: Service {
    let crashes: CrashCount

    func run() async throws {
        if crashes.value.add(1, ordering: .relaxed).oldValue == 0 { throw Boom() }
        try? await gracefulShutdown()
    }
}
