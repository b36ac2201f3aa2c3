import Foundation
import GRDB
import SwitchyardJobs
import SwitchyardStore
import SwitchyardTesting
import Testing

@Suite struct JobStoreTests {
    let time = ManualTime()

    func store() throws -> SQLiteJobStore {
        try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
    }

    func email(_ to: String, maxAttempts: Int = 3, key: String? = nil) throws -> NewJob {
        try NewJob(queue: "email", payload: Email(to: to), maxAttempts: maxAttempts, uniqueKey: key)
    }

    @Test func aJobGoesPendingProcessingCompletedWithTimestamps() async throws {
        let store = try store()
        let enqueued = try await store.enqueue(try email("a@example.com")).job
        #expect(enqueued.status == .pending)
        #expect(enqueued.attempt == 0)
        #expect(enqueued.createdAt == time.now)
        time.advance(1)
        let claimed = try await store.claim(queue: "email", limit: 10, owner: "w1", lease: 30)
        #expect(claimed.map(\.id) == [enqueued.id])
        #expect(claimed[0].status == .processing)
        #expect(claimed[0].attempt == 1)
        #expect(claimed[0].leaseOwner == "w1")
        #expect(claimed[0].leaseExpiresAt == time.now.addingTimeInterval(30))
        #expect(try claimed[0].decodePayload(as: Email.self) == Email(to: "a@example.com"))
        time.advance(1)
        #expect(try await store.complete(id: enqueued.id, owner: "w1", result: #"{"sent":true}"#))
        let done = try #require(try await store.job(id: enqueued.id))
        #expect(done.status == .completed)
        #expect(done.finishedAt == time.now)
        #expect(done.updatedAt == time.now)
        #expect(done.leaseOwner == nil)
        #expect(done.result == #"{"sent":true}"#)
    }

    @Test func aUniqueKeyReturnsTheLiveJob() async throws {
        let store = try store()
        let first = try await store.enqueue(try email("a", key: "welcome-42"))
        let second = try await store.enqueue(try email("b", key: "welcome-42"))
        #expect(first.inserted && !second.inserted)
        #expect(second.job.id == first.job.id)
        _ = try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30)
        #expect(try await store.enqueue(try email("c", key: "welcome-42")).inserted == false)
        #expect(try await store.complete(id: first.job.id, owner: "w", result: nil))
        #expect(try await store.enqueue(try email("d", key: "welcome-42")).inserted)
    }

    @Test func claimsAreBatchedDueFirstAndExclusive() async throws {
        let store = try store()
        for n in 0..<10 { _ = try await store.enqueue(try email("\(n)")) }
        _ = try await store.enqueue(
            try NewJob(queue: "email", payload: Email(to: "later"), runAfter: time.now.addingTimeInterval(60)))
        _ = try await store.enqueue(try NewJob(queue: "sms", payload: Email(to: "other queue")))
        let first = try await store.claim(queue: "email", limit: 4, owner: "w1", lease: 30)
        let second = try await store.claim(queue: "email", limit: 100, owner: "w2", lease: 30)
        #expect(first.count == 4)
        #expect(second.count == 6)
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
        #expect(first.map(\.id) == first.map(\.id).sorted())
        #expect(try await store.claim(queue: "email", limit: 100, owner: "w3", lease: 30).isEmpty)
        #expect(try await store.nextDue(queue: "email") == time.now.addingTimeInterval(60))
        time.advance(60)
        #expect(try await store.claim(queue: "email", limit: 100, owner: "w3", lease: 30).count == 1)
    }

    @Test func failuresRetryWithBackoffThenStickKeepingTheError() async throws {
        let store = try store()
        let backoff = Backoff(base: 10, max: 100, jitter: 0)
        let id = try await store.enqueue(try email("a", maxAttempts: 2)).job.id
        let attempt1 = try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30)[0]
        let outcome1 = JobStateMachine.afterFailure(
            attempt: attempt1.attempt, maxAttempts: 2, now: time.now, backoff: backoff, random: 0.5)
        #expect(outcome1 == .retry(at: time.now.addingTimeInterval(10)))
        guard case .retry(let at) = outcome1 else { return }
        #expect(try await store.fail(id: id, owner: "w", error: "smtp down", retryAt: at))
        let retrying = try #require(try await store.job(id: id))
        #expect(retrying.status == .pending)
        #expect(retrying.lastError == "smtp down")
        #expect(try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30).isEmpty)
        time.advance(10)
        let attempt2 = try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30)[0]
        #expect(attempt2.attempt == 2)
        #expect(
            JobStateMachine.afterFailure(attempt: 2, maxAttempts: 2, now: time.now, backoff: backoff, random: 0)
                == .stuck)
        #expect(try await store.fail(id: id, owner: "w", error: "smtp still down", retryAt: nil))
        let stuck = try #require(try await store.job(id: id))
        #expect(stuck.status == .stuck)
        #expect(stuck.lastError == "smtp still down")
        #expect(stuck.finishedAt == time.now)
    }

    @Test func aLateCompletionFromARescuedWorkerChangesNothing() async throws {
        let store = try store()
        let id = try await store.enqueue(try email("a")).job.id
        _ = try await store.claim(queue: "email", limit: 1, owner: "dead", lease: 30)
        time.advance(29)
        #expect(try await store.rescueExpired() == (0, 0))
        #expect(try await store.heartbeat(ids: [id], owner: "someone-else", lease: 30) == 0)
        time.advance(2)
        #expect(try await store.rescueExpired() == (1, 0))
        let rescued = try #require(try await store.job(id: id))
        #expect(rescued.status == .pending)
        #expect(rescued.lastError == "lease expired")
        let retaken = try await store.claim(queue: "email", limit: 1, owner: "alive", lease: 30)
        #expect(retaken.first?.attempt == 2)
        // The dead worker wakes up and tries to finish: fenced off, nothing changes.
        #expect(try await store.complete(id: id, owner: "dead", result: #""late""#) == false)
        #expect(try await store.fail(id: id, owner: "dead", error: "late", retryAt: nil) == false)
        #expect(try await store.job(id: id)?.status == .processing)
        #expect(try await store.complete(id: id, owner: "alive", result: #""on time""#))
        #expect(try await store.job(id: id)?.result == #""on time""#)
    }

    @Test func heartbeatsKeepALeaseAndRescueSticksTheLastAttempt() async throws {
        let store = try store()
        let id = try await store.enqueue(try email("a", maxAttempts: 1)).job.id
        _ = try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30)
        time.advance(20)
        #expect(try await store.heartbeat(ids: [id], owner: "w", lease: 30) == 1)
        time.advance(20)
        #expect(try await store.rescueExpired() == (0, 0))
        time.advance(11)
        #expect(try await store.rescueExpired() == (0, 1))
        #expect(try await store.job(id: id)?.status == .stuck)
    }

    @Test func cancellationStopsPendingAndRunningJobs() async throws {
        let store = try store()
        let pending = try await store.enqueue(try email("a")).job.id
        let running = try await store.enqueue(try email("b")).job.id
        _ = try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30)  // takes `pending` (older)
        #expect(try await store.cancel(id: running))
        #expect(try await store.cancel(id: pending))
        #expect(try await store.complete(id: pending, owner: "w", result: nil) == false)
        #expect(try await store.job(id: pending)?.status == .cancelled)
        #expect(try await store.cancel(id: pending) == false)
        #expect(try await store.claim(queue: "email", limit: 10, owner: "w", lease: 30).isEmpty)
    }

    @Test func releaseGivesTheAttemptBack() async throws {
        let store = try store()
        let id = try await store.enqueue(try email("a")).job.id
        _ = try await store.claim(queue: "email", limit: 1, owner: "w", lease: 30)
        #expect(try await store.release(id: id, owner: "w"))
        let released = try #require(try await store.job(id: id))
        #expect(released.status == .pending)
        #expect(released.attempt == 0)
    }

    @Test func countsAndRetention() async throws {
        let store = try store()
        for n in 0..<3 { _ = try await store.enqueue(try email("\(n)")) }
        let claimed = try await store.claim(queue: "email", limit: 2, owner: "w", lease: 30)
        #expect(try await store.complete(id: claimed[0].id, owner: "w", result: nil))
        let counts = Set(try await store.counts())
        #expect(
            counts == [
                JobCount(queue: "email", status: .completed, count: 1),
                JobCount(queue: "email", status: .processing, count: 1),
                JobCount(queue: "email", status: .pending, count: 1),
            ])
        time.advance(3600)
        #expect(try await store.pruneCompleted(finishedBefore: time.now.addingTimeInterval(-60)) == 1)
        #expect(try await store.job(id: claimed[0].id) == nil)
        #expect(try await store.pruneCompleted(finishedBefore: time.now) == 0)
    }

    @Test func enqueueJoinsTheCallersTransaction() async throws {
        let store = try store()
        try await store.database.pool.write { db in
            try db.execute(sql: "CREATE TABLE signups (email TEXT NOT NULL)")
        }
        struct Rollback: Error {}
        await #expect(throws: Rollback.self) {
            try await store.database.pool.write { db in
                try db.execute(sql: "INSERT INTO signups (email) VALUES (?)", arguments: ["a@example.com"])
                _ = try store.enqueue(try NewJob(queue: "email", payload: Email(to: "a@example.com")), in: db)
                throw Rollback()
            }
        }
        #expect(try await store.counts().isEmpty)
        try await store.database.pool.write { db in
            try db.execute(sql: "INSERT INTO signups (email) VALUES (?)", arguments: ["b@example.com"])
            _ = try store.enqueue(try NewJob(queue: "email", payload: Email(to: "b@example.com")), in: db)
        }
        #expect(try await store.counts() == [JobCount(queue: "email", status: .pending, count: 1)])
        #expect(
            try await store.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM signups") } == 1)
    }
}

extension JobStoreTests {
    @Test func manyJobsAreEnqueuedTogetherAndReadBackAsReturned() async throws {
        let store = try store()
        let live = try await store.enqueue(try email("live@example.com", key: "k")).job
        time.advance(1)
        // 70 plain jobs (statements of 64, 4, 1 and 1 rows) and, among them, a unique key
        // whose job is live: that one is not inserted again.
        var batch = try (0..<70).map { try email("\($0)@example.com") }
        batch.insert(try email("again@example.com", key: "k"), at: 30)
        let jobs = batch
        let results = try await store.database.pool.write { db in try store.enqueue(jobs, in: db) }
        #expect(results.count == 71)
        #expect(!results[30].inserted && results[30].job == live)
        let inserted = results.enumerated().filter { $0.offset != 30 }.map(\.element)
        #expect(inserted.allSatisfy { $0.inserted })
        #expect(inserted.map(\.job.id) == Array(live.id + 1...live.id + 70))
        for result in inserted {
            let stored = try await store.job(id: result.job.id)
            #expect(stored == result.job)
        }
        #expect(try await store.counts() == [JobCount(queue: "email", status: .pending, count: 71)])
    }
}
