import Foundation
import GRDB
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting

// What one durable write on the API path costs, without HTTP or middleware: CONCURRENCY
// tasks each writing through one GroupCommit (SQLite WAL, synchronous=FULL), as request
// handlers do. CPU per write counts every thread (callers, the writer, the kernel's share).
//   empty   — a group-committed write that runs no SQL (the commit machinery alone);
//   row     — one small row (two columns, no index);
//   enqueue — one job (SQLiteJobStore.enqueue(_:in:));
//   api     — the summaries API's write: the conditional usage count, the job, and the ledger
//             row naming it, in one transaction (an enqueue with an idempotency key);
//   batch   — the same write as ThinProxy.enqueue makes it without an idempotency key: each
//             group's writes together (WriteBatch), one count per caller, multi-row inserts.
//   write-costs [WRITES] [CONCURRENCY]      (default 200000, 64; KINDS=api,batch runs only those)
let writes = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000
let concurrency = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 64

let directory = try temporaryFolder("write-costs")
defer { try? FileManager.default.removeItem(at: directory) }
let database = try SQLiteDatabase(path: directory.appendingPathComponent("bench.sqlite").path)
try await database.pool.write { db in
    try db.execute(sql: "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, text TEXT, n INTEGER)")
}
let writer = GroupCommit(database: database)
let jobs = try SQLiteJobStore(database: database, writer: writer)
let meter = try UsageMeter(database: database, writer: writer)
let limit = UsageLimit(units: 1_000_000_000, period: .day)
let payload = #"{"text":"Swift on the server has grown up. Durable jobs keep work safe. Cats sleep."}"#

let usage = UsageMeter.Usage(
    subject: "bench", units: 1, limit: limit, requestID: "0123456789abcdef0123456789abcdef", route: "/api/summaries")
let batch = WriteBatch<NewJob, Int64>(writer: writer) { newJobs, db in
    var ids: [Int64] = []
    _ = try meter.chargeAndForwardAll(Array(repeating: usage, count: newJobs.count), in: db) { granted in
        ids = try jobs.enqueue(granted.map { newJobs[$0] }, in: db).map(\.job.id)
        return ids.map { UsageMeter.Forwarding(worker: "summarize", jobID: $0) }
    }
    return ids
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func write(_ kind: String, _ n: Int) async throws {
    switch kind {
    case "empty":
        _ = try await writer.write { _ in 0 }
    case "row":
        _ = try await writer.write { db in
            try db.cachedStatement(sql: "INSERT INTO bench_rows (text, n) VALUES (?, ?)").execute(arguments: [
                payload, n,
            ])
        }
    case "enqueue":
        _ = try await writer.write { db in
            try jobs.enqueue(NewJob(queue: "summarize", payloadJSON: payload, maxAttempts: 5), in: db)
        }
    case "batch":
        _ = try await batch.write(NewJob(queue: "summarize", payloadJSON: payload, maxAttempts: 5))
    default:
        _ = try await writer.write { db in
            try meter.chargeAndForward(usage, idempotencyKey: nil, in: db) { db in
                let job = try jobs.enqueue(NewJob(queue: "summarize", payloadJSON: payload, maxAttempts: 5), in: db).job
                return UsageMeter.Forwarding(worker: "summarize", jobID: job.id)
            }
        }
    }
}

func measure(_ kind: String, count: Int) async throws -> (rate: Double, cpu: Double) {
    let start = ContinuousClock.now
    let cpu0 = cpuSeconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<concurrency {
            group.addTask { for n in stride(from: task, to: count, by: concurrency) { try await write(kind, n) } }
        }
        try await group.waitForAll()
    }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    return (Double(count) / seconds, (cpuSeconds() - cpu0) * 1e6 / Double(count))
}

print("\(writes) writes from \(concurrency) tasks, \(ProcessInfo.processInfo.activeProcessorCount) cores")
let kinds = ProcessInfo.processInfo.environment["KINDS"].map { $0.split(separator: ",").map(String.init) }
for kind in kinds ?? ["empty", "row", "enqueue", "api", "batch"] {
    _ = try await measure(kind, count: writes / 10)  // warm-up
    let (rate, cpu) = try await measure(kind, count: writes)
    print(String(format: "%-8@ %9.0f writes/s   %6.1f µs CPU per write", kind as NSString, rate, cpu))
}
