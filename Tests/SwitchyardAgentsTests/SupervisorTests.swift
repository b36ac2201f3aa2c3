import DequeModule
import Logging
import ServiceLifecycle
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardAgents

/// Commands for the test children, one mailbox per child name.
final class ChildControls: Sendable {
    enum Command: Sendable { case crash, exit, stop }
    private let state = Mutex<[String: (queue: Deque<Command>, waiter: CheckedContinuation<Command, Never>?)]>([:])

    func send(_ command: Command, to name: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Command, Never>? in
            if let waiter = state[name]?.waiter {
                state[name]!.waiter = nil
                return waiter
            }
            state[name, default: ([], nil)].queue.append(command)
            return nil
        }
        waiter?.resume(returning: command)
    }

    func next(for name: String) async -> Command {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Command? in
                if let command = state[name]?.queue.popFirst() { return command }
                state[name, default: ([], nil)].waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// A child that logs "run NAME#N" when it runs and "stop NAME" when shut down, and crashes
/// or exits on command.
struct TestChild: Service {
    var name: String
    var generation: Int
    var log: EventLog
    var controls: ChildControls

    func run() async throws {
        log.record("run \(name)#\(generation)")
        let command = await withGracefulShutdownHandler {
            await controls.next(for: name)
        } onGracefulShutdown: {
            controls.send(.stop, to: name)
        }
        switch command {
        case .crash: throw Boom()
        case .exit: return
        case .stop: log.record("stop \(name)")
        }
    }
}

final class Generations: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func next(_ name: String) -> Int {
        counts.withLock {
            $0[name, default: 0] += 1; return $0[name]!
        }
    }
}

@Suite struct SupervisorTests {
    let log = EventLog()
    let controls = ChildControls()
    let generations = Generations()
    let clock = MockClock()

    func child(_ name: String, _ stage: SupervisionStage, _ restart: RestartType = .permanent) -> ChildSpec {
        ChildSpec(name, stage: stage, restart: restart) { [log, controls, generations] in
            TestChild(name: name, generation: generations.next(name), log: log, controls: controls)
        }
    }

    var threeChildren: [ChildSpec] {
        [child("bus", .infrastructure), child("state", .state), child("agent", .pureAgents)]
    }

    func supervisor(_ children: [ChildSpec], _ options: SupervisorOptions = .init()) throws -> Supervisor<MockClock> {
        try Supervisor(children: children, options: options, clock: clock)
    }

    /// Runs the supervisor in a service group; `body` runs once every child has started.
    func running(
        _ supervisor: Supervisor<MockClock>, _ body: (ServiceGroup) async throws -> Void
    ) async throws {
        let group = ServiceGroup(services: [supervisor], logger: Logger(label: "test"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            for child in supervisor.children { await log.waitFor("run \(child.name)#1") }
            try await body(group)
            await group.triggerGracefulShutdown()
        }
    }

    @Test func refusesATreeOutOfOrderNamingTheChild() {
        let children = [child("bus", .infrastructure), child("coordinator", .coordinator), child("critic", .llmAgents)]
        #expect {
            try Supervisor(children: children, clock: clock)
        } throws: { error in
            let error = error as! SupervisorError
            return error.code == .outOfOrder && error.child == "critic" && error.message.contains("\"coordinator\"")
        }
    }

    @Test func refusesDuplicateNames() {
        #expect(throws: SupervisorError.self) {
            try Supervisor(children: [child("a", .state), child("a", .state)], clock: clock)
        }
    }

    @Test func startsInOrderAndStopsInReverse() async throws {
        let supervisor = try supervisor(threeChildren)
        try await running(supervisor) { _ in
            #expect(supervisor.startLog == ["bus", "state", "agent"])
        }
        #expect(log.events.filter { $0.hasPrefix("stop") } == ["stop agent", "stop state", "stop bus"])
    }

    @Test func oneForOneRestartsOnlyTheChildThatFailed() async throws {
        let supervisor = try supervisor(threeChildren, .init(strategy: .oneForOne))
        try await running(supervisor) { _ in
            controls.send(.crash, to: "state")
            await log.waitFor("run state#2")
            #expect(!log.events.contains { $0.hasPrefix("stop") })
            #expect(supervisor.startLog == ["bus", "state", "agent", "state"])
        }
    }

    @Test func restForOneRestartsTheChildAndThoseAfterIt() async throws {
        let supervisor = try supervisor(threeChildren, .init(strategy: .restForOne))
        try await running(supervisor) { _ in
            controls.send(.crash, to: "state")
            await log.waitFor("run agent#2")
            #expect(log.events.filter { $0.hasPrefix("stop") } == ["stop agent"])
            #expect(supervisor.startLog == ["bus", "state", "agent", "state", "agent"])
        }
    }

    @Test func oneForAllRestartsEveryChild() async throws {
        let supervisor = try supervisor(threeChildren, .init(strategy: .oneForAll))
        try await running(supervisor) { _ in
            controls.send(.crash, to: "state")
            await log.waitFor("run agent#2")
            #expect(log.events.filter { $0.hasPrefix("stop") } == ["stop agent", "stop bus"])
            #expect(supervisor.startLog == ["bus", "state", "agent", "bus", "state", "agent"])
        }
    }

    @Test func restartTypesDecideWhetherAnExitIsRestarted() async throws {
        let children = [
            child("permanent", .state, .permanent), child("transient", .state, .transient),
            child("temporary", .state, .temporary),
        ]
        let supervisor = try supervisor(children)
        try await running(supervisor) { _ in
            controls.send(.exit, to: "transient")  // a normal exit: not restarted
            controls.send(.crash, to: "temporary")  // never restarted
            controls.send(.exit, to: "permanent")  // always restarted
            await log.waitFor("run permanent#2")
            controls.send(.crash, to: "permanent")
            await log.waitFor("run permanent#3")
            #expect(supervisor.startLog == ["permanent", "transient", "temporary", "permanent", "permanent"])
        }
    }

    @Test func exceedingTheRestartIntensityFailsUpward() async throws {
        let supervisor = try supervisor(threeChildren, .init(maxRestarts: 2, period: .seconds(5)))
        let group = ServiceGroup(services: [supervisor], logger: Logger(label: "test"))
        await #expect {
            try await withThrowingDiscardingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                await log.waitFor("run agent#1")
                for generation in 1...2 {
                    controls.send(.crash, to: "state")
                    await log.waitFor("run state#\(generation + 1)")
                }
                controls.send(.crash, to: "state")
            }
        } throws: { error in
            (error as? SupervisorError)?.code == .restartIntensityExceeded
                && (error as? SupervisorError)?.child == "state"
        }
        // It stopped the others in reverse order before failing.
        #expect(log.events.filter { $0.hasPrefix("stop") } == ["stop agent", "stop bus"])
    }

    @Test func restartsOutsideThePeriodDoNotAddUp() async throws {
        let supervisor = try supervisor(threeChildren, .init(maxRestarts: 1, period: .seconds(5)))
        try await running(supervisor) { _ in
            for generation in 1...3 {
                controls.send(.crash, to: "state")
                await log.waitFor("run state#\(generation + 1)")
                clock.advance(by: .seconds(5))
            }
            #expect(supervisor.startLog.filter { $0 == "state" }.count == 4)
        }
    }
}

@Suite struct SupervisorStateMachineTests {
    typealias Machine = SupervisorStateMachine<MockClock.Instant>
    let t0 = MockClock.Instant(offset: .zero)

    func machine(
        _ strategy: RestartStrategy, _ types: [RestartType] = [.permanent, .permanent, .permanent, .permanent]
    )
        -> Machine
    {
        var machine = Machine(restartTypes: types, strategy: strategy, maxRestarts: 3, period: .seconds(5))
        for index in types.indices { machine.started(index) }
        return machine
    }

    @Test func strategiesChooseWhatToStopAndStart() {
        var oneForOne = machine(.oneForOne)
        #expect(oneForOne.childExited(1, failed: true, at: t0) == .restart(stop: [], start: [1]))
        var restForOne = machine(.restForOne)
        #expect(restForOne.childExited(1, failed: true, at: t0) == .restart(stop: [3, 2], start: [1, 2, 3]))
        var oneForAll = machine(.oneForAll)
        #expect(oneForAll.childExited(1, failed: true, at: t0) == .restart(stop: [3, 2, 0], start: [0, 1, 2, 3]))
    }

    @Test func temporarySiblingsAreStoppedButNotRestarted() {
        var machine = machine(.oneForAll, [.permanent, .temporary, .permanent])
        #expect(machine.childExited(0, failed: true, at: t0) == .restart(stop: [2, 1], start: [0, 2]))
    }

    @Test func intensityCountsRestartsWithinThePeriod() {
        var machine = machine(.oneForOne)
        for _ in 1...3 {
            #expect(machine.childExited(0, failed: true, at: t0) == .restart(stop: [], start: [0]))
            machine.started(0)
        }
        #expect(machine.childExited(0, failed: true, at: t0) == .escalate)
        var later = self.machine(.oneForOne)
        for second in 0..<10 {
            let decision = later.childExited(0, failed: true, at: t0.advanced(by: .seconds(2 * second)))
            #expect(decision == .restart(stop: [], start: [0]))
            later.started(0)
        }
    }
}

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
