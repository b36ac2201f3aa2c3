import Foundation
import GRDB
import Logging
import SwitchyardJobs
import SwitchyardStore

// The crash test's worker process: runs a pool over the database at argv[1] until no job is
// pending or processing, recording each completion in `completions` in the same transaction
// as the completion itself. Prints "done <id>" as each handler returns, so the test can kill
// it (SIGKILL) at a moment of its choosing without sleeping.

struct Noop: Codable, Sendable { var n: Int }

struct Recorder: Worker {
    let queue = "crash"
    func process(_ payload: Noop, job: Job) async throws -> Int {
        FileHandle.standardOutput.write(Data("done \(job.id)\n".utf8))
        return payload.n
    }
}

let path = CommandLine.arguments[1]
let database = try SQLiteDatabase(path: path)
let (committed, committedSink) = AsyncStream<Void>.makeStream()
let store = try SQLiteJobStore(
    database: database,
    onComplete: { id, db in
        try db.execute(sql: "INSERT INTO completions (job_id) VALUES (?)", arguments: [id])
        db.afterNextTransaction { _ in committedSink.yield() }
    })
var logger = Logger(label: "crash-worker")
logger.logLevel = .error
let pool = WorkerPool(
    Recorder(), store: store,
    configuration: .init(
        concurrency: 8, lease: .milliseconds(800), heartbeatInterval: .milliseconds(200),
        pollInterval: .milliseconds(100),
        rescueInterval: .milliseconds(200)),
    logger: logger)

func unfinished() async throws -> Bool {
    try await !store.counts().filter { $0.status == .pending || $0.status == .processing }.isEmpty
}

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await pool.run() }
    if try await unfinished() {
        // Every committed completion re-checks; the last one ends the run.
        for await _ in committed where try await !unfinished() { break }
    }
    group.cancelAll()
}
FileHandle.standardOutput.write(Data("finished\n".utf8))
