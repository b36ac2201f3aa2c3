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
