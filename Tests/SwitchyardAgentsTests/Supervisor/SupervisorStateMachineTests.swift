import DequeModule
import Logging
import ServiceLifecycle
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardAgents

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
