import Foundation
import GRDB
import Synchronization
import SwitchyardJobs
import SwitchyardStore
import Testing

struct Noop: Codable, Sendable { var n: Int }

/// The built `jobs-crash-worker` executable, next to this test binary.
func crashWorkerURL() throws -> URL {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        Bundle.main.bundleURL,
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug"),
    ]
    for folder in candidates {
        let url = folder.appendingPathComponent("jobs-crash-worker")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw StoreError(message: "jobs-crash-worker not found next to the tests (build with `swift build --build-tests`)")
}

/// A worker process whose output lines arrive as a stream.
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
        let buffer = Mutex(Data())
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                lineSink.finish()
                return
            }
            let complete = buffer.withLock { data -> [String] in
                data.append(chunk)
                guard let last = data.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
                let text = String(decoding: data[...last], as: UTF8.self)
                data.removeSubrange(...last)
                return text.split(separator: "\n").map(String.init)
            }
            for line in complete { lineSink.yield(line) }
        }
        process.terminationHandler = { process in
            exitSink.yield(process.terminationStatus)
            exitSink.finish()
        }
        try process.run()
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
        let executable = try crashWorkerURL()

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
