import Foundation
import GRDB
import SwitchyardJobs
import SwitchyardStore
import SwitchyardTesting
import Testing

/// Job ids are seen by clients: never handed out twice, whichever insert made them.
@Suite struct JobIDTests {
    let time = ManualTime()

    @Test func anIDIsNeverReusedAfterTheNewestJobsArePruned() async throws {
        let store = try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
        let single = try await store.enqueue(NewJob(queue: "q", payloadJSON: "{}")).job.id
        let bulk = try await store.database.pool.write { db in
            try store.enqueue([NewJob(queue: "q", payloadJSON: "{}"), NewJob(queue: "q", payloadJSON: "{}")], in: db)
                .map(\.job.id)
        }
        #expect([single] + bulk == [1, 2, 3])
        for job in try await store.claim(queue: "q", limit: 10, owner: "w", lease: 60) {
            #expect(try await store.complete(id: job.id, owner: "w", result: nil))
        }
        #expect(try await store.pruneCompleted(finishedBefore: time.now.addingTimeInterval(1)) == 3)
        // The table is empty; both inserts count on from the largest id ever given.
        let next = try await store.database.pool.write { db in
            try store.enqueue([NewJob(queue: "q", payloadJSON: "{}")], in: db).map(\.job.id)
        }
        #expect(next == [4])
        #expect(try await store.enqueue(NewJob(queue: "q", payloadJSON: "{}")).job.id == 5)
    }

    @Test func aJobKeepsItsOwner() async throws {
        let store = try SQLiteJobStore(database: try temporaryDatabase(), now: time.closure)
        let one = try await store.enqueue(NewJob(queue: "q", payloadJSON: "{}", owner: "ada")).job
        let many = try await store.database.pool.write { db in
            try store.enqueue(
                [NewJob(queue: "q", payloadJSON: "{}", owner: "grace"), NewJob(queue: "q", payloadJSON: "{}")], in: db)
        }
        #expect(one.owner == "ada" && many.map(\.job.owner) == ["grace", nil])
        #expect(try await store.job(id: 1)?.owner == "ada")
        #expect(try await store.job(id: 2)?.owner == "grace")
        #expect(try await store.job(id: 3)?.owner == nil)
        #expect(
            try await store.claim(queue: "q", limit: 10, owner: "w", lease: 60).map(\.owner) == ["ada", "grace", nil])
    }

    @Test func theTableOfAnEarlierVersionIsMigratedWithItsJobsAndTheirIDs() async throws {
        let database = try temporaryDatabase()
        try database.migrate([SQLiteJobStore.migrations[0]])
        try await database.pool.write { db in
            for (id, status) in [(7, "completed"), (9, "pending")] {
                try db.execute(
                    sql: """
                        INSERT INTO switchyard_jobs (id, queue, payload, status, attempt, max_attempts, run_after, result, unique_key,
                            created_at, updated_at, finished_at)
                        VALUES (?, 'q', '{"n":1}', ?, 1, 3, 0, '"done"', 'k', 10, 20, 30)
                        """, arguments: [id, status])
            }
        }
        let store = try SQLiteJobStore(database: database, now: time.closure)
        let kept = try #require(try await store.job(id: 7))
        #expect(
            kept.status == .completed && kept.payload == #"{"n":1}"# && kept.result == #""done""#
                && kept.uniqueKey == "k")
        #expect(
            kept.createdAt.timeIntervalSince1970 == 10 && kept.finishedAt?.timeIntervalSince1970 == 30
                && kept.owner == nil)
        #expect(try await store.job(id: 9)?.status == .pending)
        #expect(try await store.enqueue(NewJob(queue: "q", payloadJSON: "{}")).job.id == 10)
        #expect(try database.auditIndexes(SQLiteJobStore.auditedQueries) == [])
    }
}
