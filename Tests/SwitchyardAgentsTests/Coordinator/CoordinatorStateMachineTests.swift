import Logging
import SwitchyardModel
import SwitchyardTesting
import Testing

@testable import SwitchyardAgents

@Suite struct CoordinatorStateMachineTests {
    typealias Machine = CoordinatorStateMachine<Trigger, Int>

    func observation(_ agent: String, _ trigger: Int) -> Observation<Int> {
        Observation(agent: agent, triggerID: TriggerID(trigger), source: .logic, value: 0)
    }

    @Test func anObservationBeforeItsTriggerOpensTheWindow() {
        var machine = Machine(expectedAgents: ["a", "b"], maxOpenWindows: 4)
        let actions = machine.receive(observation: observation("a", 1))
        guard case .armTimer(let id) = actions.first else { Issue.record("no timer armed"); return }
        #expect(id == 1)
        #expect(machine.receive(trigger: Trigger(n: 1)).isEmpty)
        #expect(machine.openWindowCount == 1)
    }

    @Test func opening_beyondTheLimitEvictsTheOldest() {
        var machine = Machine(expectedAgents: ["a"], maxOpenWindows: 2)
        _ = machine.receive(trigger: Trigger(n: 1))
        _ = machine.receive(trigger: Trigger(n: 2))
        let actions = machine.receive(trigger: Trigger(n: 3))
        guard case .close(let window, .evicted, _) = actions.first else { Issue.record("oldest not evicted"); return }
        #expect(window.triggerID == 1)
        #expect(machine.openWindowCount == 2)
        #expect(machine.stats.evicted == 1)
    }

    @Test func anObservationForAForgottenTriggerNeverOpensASecondDirective() {
        var machine = Machine(expectedAgents: ["a"], maxOpenWindows: 4, closedMemory: 2)
        for n in 1...3 {
            _ = machine.receive(trigger: Trigger(n: n))
            _ = machine.receive(observation: observation("a", n))
        }
        // Trigger 1 is no longer remembered as closed: a very late observation of it opens a
        // window, which its trigger never joins, so it is dropped rather than decided.
        var actions = machine.receive(observation: observation("a", 1))
        actions += machine.deadlinePassed(for: 1).map { [$0] } ?? []
        for action in actions {
            if case .close(let window, _, _) = action { Issue.record("trigger \(window.triggerID) decided twice") }
        }
        #expect(machine.stats.orphaned == 1)
    }

    @Test func aWindowWithEveryObservationWaitsForItsTrigger() {
        var machine = Machine(expectedAgents: ["a"], maxOpenWindows: 4)
        _ = machine.receive(observation: observation("a", 1))
        #expect(machine.openWindowCount == 1)
        let actions = machine.receive(trigger: Trigger(n: 1))
        guard case .close(let window, .allReported, sequence: 0) = actions.last else {
            Issue.record("not closed on its trigger"); return
        }
        #expect(window.trigger == Trigger(n: 1))
    }

    @Test func duplicatesAreIgnoredAndDeadlinesOfClosedWindowsDoNothing() {
        var machine = Machine(expectedAgents: ["a", "b"], maxOpenWindows: 2)
        _ = machine.receive(trigger: Trigger(n: 1))
        _ = machine.receive(observation: observation("a", 1))
        #expect(machine.receive(observation: observation("a", 1)).isEmpty)
        #expect(machine.stats.duplicateObservations == 1)
        let closing = machine.receive(observation: observation("b", 1))
        guard case .close(_, .allReported, _) = closing.last else { Issue.record("not closed early"); return }
        #expect(machine.deadlinePassed(for: 1) == nil)
        #expect(machine.stats.closedAtDeadline == 0)
    }
}
