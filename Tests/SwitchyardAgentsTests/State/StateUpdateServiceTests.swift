import SwitchyardTesting
import Testing

@testable import SwitchyardAgents

/// The state owner's service for one `### Updates` row: message in, state changed, output out.
@Suite struct StateUpdateServiceTests {
    let input = Topic<Int>("test:input")
    let output = Topic<String>("test:output")

    @Test func eachMessageChangesTheStateInOrderAndPublishesItsOutput() async throws {
        let bus = PubSub()
        let outputs = bus.subscribe(output)
        let store = StateStore(initial: [Int]())
        let service = StateUpdateService(on: input, store: store, bus: bus, publishing: output) { message, state in
            state.append(message)
            return "\(state.count): \(message)"
        }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await store.run() }
            group.addTask { try await service.run() }
            for number in [3, 1, 2] { await bus.broadcast(number, on: input) }
            #expect(await outputs.first(3) == ["1: 3", "2: 1", "3: 2"])
            #expect(store.snapshot == [3, 1, 2])
            group.cancelAll()
        }
    }

    @Test func anUpdateWithoutOutputOnlyChangesTheState() async throws {
        let bus = PubSub()
        let changes = Topic<StateChange<Int>>("test:state_changed")
        let changed = bus.subscribe(changes)
        let store = StateStore(initial: 0, changes: changes, bus: bus)
        let service = StateUpdateService(on: input, store: store, bus: bus) { message, state in state += message }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await store.run() }
            group.addTask { try await service.run() }
            await bus.broadcast(5, on: input)
            await bus.broadcast(7, on: input)
            #expect(await changed.first(2).map(\.version) == [1, 2])
            #expect(store.snapshot == 12)
            group.cancelAll()
        }
    }

    struct Refused: Error {}

    /// A failing update fails the service, so its supervisor restarts it: never a silent skip.
    @Test func aThrowingUpdateFailsTheService() async throws {
        let bus = PubSub()
        let store = StateStore(initial: 0)
        let service = StateUpdateService(on: input, store: store, bus: bus) { _, _ in throw Refused() }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await store.run() }
            await #expect(throws: Refused.self) {
                try await withThrowingTaskGroup(of: Void.self) { inner in
                    inner.addTask { try await service.run() }
                    await bus.broadcast(1, on: input)
                    try await inner.next()
                }
            }
            #expect(store.snapshot == 0)
            group.cancelAll()
        }
    }
}
