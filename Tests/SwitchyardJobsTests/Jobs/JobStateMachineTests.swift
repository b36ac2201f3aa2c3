import Foundation
import SwitchyardJobs
import Testing

@Suite struct JobStateMachineTests {
    @Test func onlyTheSeedsTransitionsAreAllowed() {
        #expect(JobStateMachine.isAllowed(from: .pending, to: .processing))
        #expect(JobStateMachine.isAllowed(from: .processing, to: .completed))
        #expect(JobStateMachine.isAllowed(from: .processing, to: .stuck))
        #expect(!JobStateMachine.isAllowed(from: .completed, to: .pending))
        #expect(!JobStateMachine.isAllowed(from: .pending, to: .completed))
        #expect(!JobStateMachine.isAllowed(from: .stuck, to: .processing))
        #expect(JobStatus.allCases.filter(\.isFinal) == [.completed, .stuck, .cancelled])
    }

    @Test func backoffIsExponentialCappedAndJittered() {
        let backoff = Backoff(base: 1, max: 60, jitter: 0.1)
        #expect(backoff.delay(afterAttempt: 1, random: 0.5) == 1)
        #expect(backoff.delay(afterAttempt: 4, random: 0.5) == 8)
        #expect(backoff.delay(afterAttempt: 20, random: 0.5) == 60)
        #expect(backoff.delay(afterAttempt: 4, random: 0) == 8 * 0.9)
        #expect(abs(backoff.delay(afterAttempt: 4, random: 1) - 8 * 1.1) < 1e-9)
    }
}
