import Foundation
import GRDB
import SwitchyardJobs
import SwitchyardStore
import SwitchyardTesting
import Testing

struct Noop: Codable, Sendable { var n: Int }

/// A worker process whose output lines arrive as a stream.
///
/// Its output is read by a thread of its own with blocking reads (a read of 0 bytes is the
/// end), which then waits for the exit: no `readabilityHandler` or `terminationHandler`, whose
/// dispatch-driven events were now and then never delivered on Linux, leaving the test
/// waiting for a worker that had long exited.
struct WorkerProcess {
    let process = Process()
    let lines: AsyncStream<String>
    let exited: AsyncStream<Int32>

    init(executable: URL, database: String) throws {
        process.executableURL = executable
        process.arguments = [database]
        let pipe = Pipe()
        process.standardOutput = pipe
        let (lines, lineSink) = AsyncStream<String>.makeStream()
        let (exited, exitSink) = AsyncStream<Int32>.makeStream()
        self.lines = lines
        self.exited = exited
        try process.run()
        let process = self.process
        let output = pipe.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while case let chunk = output.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lineSink.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            lineSink.finish()
            process.waitUntilExit()
            exitSink.yield(process.terminationStatus)
            exitSink.finish()
        }
    }

    func waitForExit() async -> Int32 {
        var iterator = exited.makeAsyncIterator()
        return await iterator.next() ?? -1
    }
}

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
            let worker = try WorkerProcess(executable: executable, database: database.path)
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
            let status = await worker.waitForExit()
            #expect(status == SIGKILL || status == 0)
        }
        #expect(kills >= 1)

        // A fresh worker finishes the rest, rescuing the leases the killed ones held.
        let last = try WorkerProcess(executable: executable, database: database.path)
        var finished = false
        for await line in last.lines where line == "finished" { finished = true }
        #expect(await last.waitForExit() == 0)
        #expect(finished)

        #expect(try await store.counts() == [JobCount(queue: "crash", status: .completed, count: jobs)])
        let (recorded, twice) = try await database.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT job_id) FROM completions")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT job_id FROM completions GROUP BY job_id HAVING COUNT(*) > 1)")!
            )
        }
        #expect(recorded == jobs)
        #expect(twice == 0)
    }
}
