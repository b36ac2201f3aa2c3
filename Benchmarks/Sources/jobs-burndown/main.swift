import Foundation
import GRDB
import Logging
import SwitchyardJobs
import SwitchyardStore
import Synchronization

// Burn-down of the durable job queue on SQLite:
//   jobs-burndown [JOBS] [HANDLERS...]      e.g. jobs-burndown 20000 1 4 16
// For each handler count: a fresh database file (WAL, synchronous=FULL), JOBS no-op jobs
// enqueued, then the time until a worker pool (default settings; PREFETCH=n in the
// environment fixes the prefetch) has completed them all. Also the enqueue rate: one caller
// (each call its own durable commit) and 64 concurrent callers (their commits grouped).

struct Noop: Codable, Sendable { var n: Int }

struct NoopWorker: Worker {
    let queue = "bench"
    func process(_ payload: Noop, job: Job) async throws -> Int { payload.n }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func freshDatabase() throws -> SQLiteDatabase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try SQLiteDatabase(path: folder.appendingPathComponent("jobs.sqlite").path)
}

nonisolated func burnDown(jobs: Int, handlers: Int) async throws {
    let database = try freshDatabase()
    let (completed, completedSink) = AsyncStream<Void>.makeStream()
    // Counts completions in their transaction; the one that completes the last job signals
    // when it commits. (One commit observer per job would cost GRDB O(n) per statement.)
    let completedCount = Atomic<Int>(0)
    let store = try SQLiteJobStore(
        database: database,
        onComplete: { _, db in
            if completedCount.add(1, ordering: .relaxed).newValue == jobs {
                db.afterNextTransaction { _ in completedSink.yield() }
            }
        })

    // Enqueue rate: one caller, one job per call.
    let sample = min(2000, jobs / 2)
    let enqueueStart = ContinuousClock.now
    for n in 0..<sample { _ = try await store.enqueue(try NewJob(queue: "bench", payload: Noop(n: n))) }
    let enqueueRate = Double(sample) / seconds(ContinuousClock.now - enqueueStart)
    // Enqueue rate with 64 concurrent callers (request handlers): their commits are grouped.
    let concurrentStart = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for caller in 0..<64 {
            group.addTask {
                for n in stride(from: sample + caller, to: 2 * sample, by: 64) {
                    _ = try await store.enqueue(try NewJob(queue: "bench", payload: Noop(n: n)))
                }
            }
        }
        try await group.waitForAll()
    }
    let concurrentRate = Double(sample) / seconds(ContinuousClock.now - concurrentStart)
    // The rest in one transaction, to start the burn-down from a full queue.
    try await database.pool.write { db in
        for n in (2 * sample)..<jobs { _ = try store.enqueue(try NewJob(queue: "bench", payload: Noop(n: n)), in: db) }
    }

    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let pool = WorkerPool(
        NoopWorker(), store: store,
        configuration: .init(
            concurrency: handlers, prefetch: ProcessInfo.processInfo.environment["PREFETCH"].flatMap { Int($0) }),
        logger: logger)
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await pool.run() }
        for await _ in completed { break }
        group.cancelAll()
    }
    let elapsed = seconds(ContinuousClock.now - start)
    print(
        "handlers \(handlers): \(jobs) jobs in \(String(format: "%.2f", elapsed)) s = \(Int(Double(jobs) / elapsed)) jobs/s burn-down; "
            + "enqueue \(Int(enqueueRate)) jobs/s one caller, \(Int(concurrentRate)) jobs/s 64 concurrent callers")
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let jobs = arguments.first ?? 20_000
let handlerCounts = arguments.count > 1 ? Array(arguments.dropFirst()) : [1, 4, 16]
print("SQLite WAL, synchronous=FULL (every commit durable); claims prefetched, completions group-committed")
for handlers in handlerCounts { try await burnDown(jobs: jobs, handlers: handlers) }
