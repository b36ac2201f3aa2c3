import Foundation
import Testing

@testable import SwitchyardJobs

/// The pool's rules alone: no tasks, no clock, no database.
@Suite struct WorkerPoolStateMachineTests {
    func jobs(_ ids: ClosedRange<Int64>) -> [Job] {
        ids.map { id in
            Job(
                id: id, queue: "q", payload: "{}", status: .processing, attempt: 1, maxAttempts: 5,
                runAfter: Date(timeIntervalSince1970: 0), createdAt: Date(timeIntervalSince1970: 0),
                updatedAt: Date(timeIntervalSince1970: 0))
        }
    }

    struct Started: Equatable {
        var id: Int64
        var wakeClaimer = false
    }

    /// Starts the next job, if the machine says to run one.
    func start(_ machine: inout WorkerPoolStateMachine) -> Started? {
        guard case .run(let job, let wakeClaimer) = machine.startNext() else { return nil }
        return Started(id: job.id, wakeClaimer: wakeClaimer)
    }

    @Test func aClaimAsksForTheRoomInTheBufferAndRefillsOnlyAtHalf() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        #expect(machine.nextClaim() == .claim(limit: 8))
        #expect(machine.claimed(jobs(1...8)) == .wakeHandlers)
        // Full: no claim until handlers take half.
        #expect(machine.nextClaim() == .waitForRoom)
        #expect(start(&machine) == Started(id: 1))
        #expect(start(&machine) == Started(id: 2))
        #expect(machine.nextClaim() == .waitForRoom)
        machine.finished(runTime: 0.01)
        #expect(start(&machine) == Started(id: 3))
        machine.finished(runTime: 0.01)
        // Four left of eight: the claimer is woken, and claims exactly the room.
        #expect(start(&machine) == Started(id: 4, wakeClaimer: true))
        #expect(machine.nextClaim() == .claim(limit: 4))
    }

    @Test func oneClaimIsInFlightAtATime() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        #expect(machine.nextClaim() == .claim(limit: 8))
        // A second claim before the first returns would overfill the buffer.
        #expect(machine.nextClaim() == .waitForRoom)
        // An empty (or failed) claim ends it.
        #expect(machine.claimed([]) == .none)
        #expect(machine.nextClaim() == .claim(limit: 8))
    }

    @Test func claimsNeverExceedFreeSlotsPlusPrefetch() {
        let concurrency = 3
        let prefetch = 7
        var machine = WorkerPoolStateMachine(concurrency: concurrency, prefetch: prefetch)
        var nextID: Int64 = 1
        var running: [Int64] = []
        var inFlight: Int?
        // A fixed pseudo-random interleaving of claims, returns, starts and finishes.
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            switch (seed >> 33) % 4 {
            case 0:
                if case .claim(let limit) = machine.nextClaim() {
                    #expect(inFlight == nil)
                    inFlight = limit
                }
            case 1:
                if let limit = inFlight {
                    let count = Int64((seed >> 40) % UInt64(limit + 1))
                    let claimed = count == 0 ? [] : jobs(nextID...nextID + count - 1)
                    nextID += count
                    _ = machine.claimed(claimed)
                    inFlight = nil
                }
            case 2:
                if let started = start(&machine) { running.append(started.id) }
            default:
                if !running.isEmpty {
                    let id = running.removeFirst()
                    machine.finished(runTime: 0.01)
                    machine.settled(id)
                }
            }
            #expect(machine.running <= concurrency)
            #expect(machine.ready.count + (inFlight ?? 0) <= prefetch)
            #expect(machine.ready.count + machine.running + (inFlight ?? 0) <= concurrency + prefetch)
            #expect(machine.held.count == machine.ready.count + machine.running)
        }
        #expect(nextID > 100)
    }

    @Test func noMoreThanConcurrencyJobsRunAtOnce() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        _ = machine.nextClaim()
        _ = machine.claimed(jobs(1...8))
        #expect(start(&machine) != nil)
        #expect(start(&machine) != nil)
        #expect(machine.startNext() == .wait)
        machine.finished(runTime: 0.01)
        #expect(start(&machine)?.id == 3)
    }

    @Test func heldJobsAreReleasedOnDrain() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        _ = machine.nextClaim()
        _ = machine.claimed(jobs(1...4))
        #expect(start(&machine)?.id == 1)
        machine.beginDraining()
        // The unstarted jobs, in order; the running one is left to finish.
        #expect(machine.takeUnstarted().map(\.id) == [2, 3, 4])
        #expect(machine.ready.isEmpty)
        #expect(machine.takeUnstarted().isEmpty)
        // Their leases are heartbeated until each release is recorded.
        #expect(machine.held == [1, 2, 3, 4])
        machine.settled([2, 3, 4])
        #expect(machine.heldIDs == [1])
    }

    @Test func noClaimsAndNoStartsWhileDraining() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        _ = machine.nextClaim()
        _ = machine.claimed(jobs(1...2))
        machine.beginDraining()
        #expect(machine.isDraining)
        #expect(machine.nextClaim() == .stop)
        #expect(machine.startNext() == .stop)
        #expect(machine.running == 0)
    }

    @Test func aClaimThatReturnsAfterTheDrainIsReleasedAtOnce() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        #expect(machine.nextClaim() == .claim(limit: 8))
        #expect(machine.takeUnstarted().isEmpty)
        let late = jobs(1...3)
        #expect(machine.claimed(late) == .release(late))
        #expect(machine.ready.isEmpty)
        #expect(machine.held == [1, 2, 3])
        #expect(!machine.isDrained)
        machine.settled(late.map(\.id))
        #expect(machine.isDrained)
    }

    @Test func drainWaitsForRunningJobsAndTheirOutcomes() {
        var machine = WorkerPoolStateMachine(concurrency: 2, prefetch: 8)
        _ = machine.nextClaim()
        _ = machine.claimed(jobs(1...2))
        _ = start(&machine)
        _ = start(&machine)
        machine.beginDraining()
        #expect(machine.takeUnstarted().isEmpty)
        #expect(!machine.isDrained)
        machine.finished(runTime: 0.01)
        machine.finished(runTime: 0.01)
        // Finished, but their completions are not committed yet: the leases are still held.
        #expect(machine.running == 0)
        #expect(!machine.isDrained)
        #expect(Set(machine.heldIDs) == [1, 2])
        machine.settled([1, 2])
        #expect(machine.isDrained)
    }

    @Test func theAdaptivePrefetchIsAboutFiftyMillisecondsOfWork() {
        let fresh = WorkerPoolStateMachine(concurrency: 4, prefetch: nil)
        #expect(fresh.prefetchTarget == 16)
        #expect(WorkerPoolStateMachine(concurrency: 12, prefetch: nil).prefetchTarget == 24)

        func target(afterRunTime runTime: Double) -> Int {
            var machine = WorkerPoolStateMachine(concurrency: 4, prefetch: nil)
            _ = machine.nextClaim()
            _ = machine.claimed(jobs(1...1))
            _ = machine.startNext()
            machine.finished(runTime: runTime)
            return machine.prefetchTarget
        }
        #expect(target(afterRunTime: 0.001) == 200)
        // Long jobs: no hoarding beyond one per handler; very short ones: at most 256.
        #expect(target(afterRunTime: 1) == 4)
        #expect(target(afterRunTime: 1e-9) == 256)
        // A fixed prefetch is kept whatever the run time.
        var fixed = WorkerPoolStateMachine(concurrency: 4, prefetch: 3)
        _ = fixed.nextClaim()
        _ = fixed.claimed(jobs(1...1))
        _ = fixed.startNext()
        fixed.finished(runTime: 0.001)
        #expect(fixed.prefetchTarget == 3)
    }

    @Test func theRunTimeIsAMovingAverage() {
        var machine = WorkerPoolStateMachine(concurrency: 1, prefetch: nil)
        _ = machine.nextClaim()
        _ = machine.claimed(jobs(1...2))
        _ = machine.startNext()
        machine.finished(runTime: 1)
        _ = machine.startNext()
        machine.finished(runTime: 2)
        #expect(abs(machine.averageRunTime! - 1.1) < 1e-12)
    }
}
