import Foundation
import GRDB
import SwitchyardJobs
import SwitchyardStore
import SwitchyardTesting
import Testing

struct Noop: Codable, Sendable { var n: Int }

@Suite struct CrashTests {
    @Test func killedWorkersLoseNoJobAndCompleteNoneTwice() async throws {
        let jobs = 5000
        let database = try temporaryDatabase()
        let store = try SQLiteJobStore(database: database)
        try await database.pool.write { db in
            try db.execute(sql: "CREATE TABLE completions (job_id INTEGER NOT NULL)")
            for n in 0..<jobs { _ = try store.enqueue(try NewJob(queue: "crash", payload: Noop(n: n)), in: db) }
        }
        let executable = try builtExecutable("jobs-crash-worker")

        // Several workers, each killed with SIGKILL after a random number of handled jobs.
        var kills = 0
        for _ in 0..<4 {
            let worker = try ChildProcess(executable, arguments: [database.path], mergingStandardError: false)
            let killAfter = Int.random(in: 100...900)
            var handled = 0
            for await line in worker.lines {
                if line == "finished" { break }
                handled += 1
                if handled >= killAfter {
                    kill(worker.process.processIdentifier, SIGKILL)
                    kills += 1
                    break
                }
            }
            let status = await worker.waitForExit().status
            #expect(status == SIGKILL || status == 0)
        }
        #expect(kills >= 1)

        // A fresh worker finishes the rest, rescuing the leases the killed ones held.
        let last = try ChildProcess(executable, arguments: [database.path], mergingStandardError: false)
        var finished = false
        for await line in last.lines where line == "finished" { finished = true }
        #expect(await last.waitForExit().status == 0)
        #expect(finished)

        #expect(try await store.counts() == [JobCount(queue: "crash", status: .completed, count: jobs)])
        let (recorded, twice) = try await database.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT job_id) FROM completions")!,
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM (SELECT job_id FROM completions GROUP BY job_id HAVING COUNT(*) > 1)"
                )!
            )
        }
        #expect(recorded == jobs)
        #expect(twice == 0)
    }
}
