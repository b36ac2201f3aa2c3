import Foundation
import Logging
import ServiceLifecycle
import SwitchyardJobs
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct WorkerPoolTests {
    let time = ManualTime()

    @Test func anEnqueueWakesThePoolAndEveryJobCompletesOnce() async throws {
        let store = try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
        let mailer = Mailer()
        let clock = MockClock()
        let pool = WorkerPool(
            mailer, store: store, configuration: .init(concurrency: 3), clock: clock, now: time.closure)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pool.run() }
            for n in 0..<20 {
                _ = try await store.enqueue(try NewJob(queue: "email", payload: Email(to: "\(n)@example.com")))
            }
            // No clock movement: the in-process enqueue alone wakes the pool.
            #expect(
                try await eventually {
                    try await store.counts() == [JobCount(queue: "email", status: .completed, count: 20)]
                })
            #expect(mailer.sent.withLock { $0.sorted() } == (0..<20).map { "\($0)@example.com" }.sorted())
            let job = try #require(try await store.job(id: 1))
            #expect(try job.decodeResult(as: Mailer.Receipt.self)?.id == "receipt-1")
            group.cancelAll()
        }
    }

    @Test func aFailingJobIsRetriedAfterItsBackoff() async throws {
        let store = try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
        let mailer = Mailer(failures: 1)
        let clock = MockClock()
        let pool = WorkerPool(
            mailer, store: store,
            configuration: .init(
                concurrency: 1, pollInterval: .seconds(60), backoff: Backoff(base: 5, max: 60, jitter: 0)),
            clock: clock, now: time.closure, random: { 0.5 })
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pool.run() }
            let id = try await store.enqueue(try NewJob(queue: "email", payload: Email(to: "a"))).job.id
            #expect(
                try await eventually {
                    let job = try await store.job(id: id)
                    return job?.status == .pending && job?.attempt == 1
                })
            let retrying = try #require(try await store.job(id: id))
            #expect(retrying.runAfter == time.now.addingTimeInterval(5))
            #expect(retrying.lastError == "smtp down")
            // The pool sleeps until the job is due (5 s), not the 60 s poll interval.
            while await clock.nextSleepScheduled() != .init(offset: .seconds(5)) {}
            time.advance(5)
            clock.advance(to: .init(offset: .seconds(5)))
            #expect(try await eventually { try await store.job(id: id)?.status == .completed })
            #expect(try await store.job(id: id)?.attempt == 2)
            group.cancelAll()
        }
    }

    @Test func aPayloadThatDoesNotDecodeIsStuckAtOnce() async throws {
        let store = try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
        let mailer = Mailer()
        let pool = WorkerPool(
            mailer, store: store, configuration: .init(concurrency: 1), clock: MockClock(), now: time.closure)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await pool.run() }
            let id = try await store.enqueue(NewJob(queue: "email", payloadJSON: "{}", maxAttempts: 5)).job.id
            #expect(try await eventually { try await store.job(id: id)?.status == .stuck })
            let job = try #require(try await store.job(id: id))
            #expect(job.attempt == 1)
            #expect(job.lastError?.hasPrefix("payload does not decode: ") == true)
            #expect(mailer.sent.withLock { $0.isEmpty })
            group.cancelAll()
        }
    }

    @Test func gracefulShutdownFinishesJobsInFlightAndClaimsNoMore() async throws {
        let store = try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
        let gate = ScriptedModel.Gate()
        let mailer = Mailer(gate: gate)
        let pool = WorkerPool(
            mailer, store: store, configuration: .init(concurrency: 2), clock: MockClock(), now: time.closure)
        let group = ServiceGroup(services: [pool], logger: Logger(label: "test"))
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            for n in 0..<5 { _ = try await store.enqueue(try NewJob(queue: "email", payload: Email(to: "\(n)"))) }
            #expect(await eventually { pool.runningCount == 2 })
            await group.triggerGracefulShutdown()
            #expect(await eventually { pool.isDraining })
            gate.open()
        }
        // The two in flight completed; the other three were never claimed.
        let counts = Set(try await store.counts())
        #expect(
            counts == [
                JobCount(queue: "email", status: .completed, count: 2),
                JobCount(queue: "email", status: .pending, count: 3),
            ])
        #expect(try await store.counts().allSatisfy { $0.status != .processing })
    }
}
