import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardConfiguration
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardStore

@Suite struct StoreAndConfigurationTests {
    @Test func everyPipelineQueryIsIndexed() throws {
        let database = try temporaryDatabase()
        _ = try UsageMeter(database: database, writer: GroupCommit(database: database))
        let findings = try database.auditIndexes(UsageMeter.auditedQueries + SQLitePlanSubscriptionStore.auditedQueries)
        #expect(findings == [])
    }

    @Test func aGroupCommitsTogetherAndAFailingWriteRollsBackAlone() async throws {
        let database = try temporaryDatabase()
        try await database.pool.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER UNIQUE)") }
        let writer = GroupCommit(database: database)
        let results = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<200 {
                group.addTask {
                    do {
                        try await writer.write { db in
                            try db.execute(sql: "INSERT INTO t (n) VALUES (?)", arguments: [n % 150])
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(results == [true: 150, false: 50])
        #expect(try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 150)
    }

    /// A batch whose writes insert rows with one multi-row statement, recording the size of
    /// each call; the writer is held until `count` writes are gathering.
    private func gatheredBatch(_ values: [Int]) async throws -> (
        results: [Result<Int, any Error>], calls: [Int], rows: Int
    ) {
        let database = try temporaryDatabase()
        try await database.pool.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER UNIQUE)") }
        let calls = Mutex<[Int]>([])
        let insert = MultiRowInsert(into: "t", columns: "n", row: "(?)")
        let batch = WriteBatch<Int, Int>(writer: GroupCommit(database: database)) { writes, db in
            calls.withLock { $0.append(writes.count) }
            try insert.execute(count: writes.count, in: db) { row, values in values.append(writes[row]) }
            return writes.map { $0 * 10 }
        }
        let release = DispatchSemaphore(value: 0)
        database.pool.asyncWriteWithoutTransaction { _ in release.wait() }  // holds the writer queue
        let results = try await withThrowingTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for (index, value) in values.enumerated() {
                group.addTask {
                    do { return (index, .success(try await batch.write(value))) } catch {
                        return (index, .failure(error))
                    }
                }
            }
            #expect(await eventually { batch.gathering == values.count })
            release.signal()
            var results = [Result<Int, any Error>?](repeating: nil, count: values.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
        let rows = try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t")! }
        return (results, calls.withLock { $0 }, rows)
    }

    @Test func aWriteBatchHandsTheWritesOfAGroupToOneCall() async throws {
        let (results, calls, rows) = try await gatheredBatch(Array(0..<70))
        #expect(calls == [70])  // one call: statements of 64, 4, 1 and 1 rows
        #expect(results.map { try? $0.get() } == (0..<70).map { $0 * 10 })
        #expect(rows == 70)
    }

    @Test func aFailingWriteOfABatchFailsAloneAndTheOthersCommit() async throws {
        // 7 twice: the multi-row insert breaks the unique constraint, so the writes are made
        // again one by one, and only the second 7 fails.
        let (results, calls, rows) = try await gatheredBatch(Array(0..<20) + [7])
        #expect(calls == [21] + Array(repeating: 1, count: 21))
        #expect(results.prefix(20).map { try? $0.get() } == (0..<20).map { $0 * 10 })
        #expect(throws: DatabaseError.self) { try results[20].get() }
        #expect(rows == 20)
    }

    @Test func aBatchOfReservationsCountsAsReservationsOneAfterAnotherWould() async throws {
        let pipeline = try TestPipeline()
        let limit = UsageLimit(units: 3)
        func usage(_ subject: String, units: Int = 1) -> UsageMeter.Usage {
            UsageMeter.Usage(
                subject: subject, units: units, limit: limit, requestID: "r-\(subject)", route: "/api/echo")
        }
        // ada asks for 4 in all, one more than her limit; bob for 1; eve for more than any
        // limit allows in one request.
        let usages = [usage("ada"), usage("ada"), usage("bob"), usage("ada"), usage("eve", units: 5), usage("ada")]
        let (reservations, forwarded) = try await pipeline.meter.writer.write { db in
            var forwarded: [Int] = []
            let reservations = try pipeline.meter.chargeAndForwardAll(usages, in: db) { granted in
                forwarded = granted
                return granted.map { UsageMeter.Forwarding(worker: "echo", jobID: Int64(100 + $0)) }
            }
            return (reservations, forwarded)
        }
        #expect(forwarded == [0, 1, 2, 3])
        let tickets = reservations.compactMap { reservation -> UsageTicket? in
            guard case .granted(let ticket) = reservation else { return nil }
            return ticket
        }
        #expect(tickets.map(\.subject) == ["ada", "ada", "bob", "ada"])
        #expect(Set(tickets.map(\.ledgerID)).count == 4)
        guard case .overLimit(used: 3, _) = reservations[5], case .overLimit(used: 0, _) = reservations[4] else {
            Issue.record("expected ada's fourth and eve's request over the limit: \(reservations)")
            return
        }
        for (subject, units) in [("ada", 3), ("bob", 1), ("eve", 0)] {
            let counted = try await pipeline.meter.usage(subject: subject, period: .day, at: pipeline.time.now)
            #expect(counted.counter == units && counted.ledgerUnits == units && counted.ledgerRows == units)
        }
        // Each ledger row names its request's job.
        let jobIDs = try await pipeline.database.pool.read { db in
            try Int64.fetchAll(
                db,
                sql:
                    "SELECT job_id FROM switchyard_usage_ledger WHERE id IN (\(tickets.map { "\($0.ledgerID)" }.joined(separator: ",")) ) ORDER BY id"
            )
        }
        #expect(jobIDs == [100, 101, 102, 103])
    }

    @Test func expiredIdempotencyKeysArePrunedOnSchedule() async throws {
        let pipeline = try TestPipeline()
        let meter = pipeline.meter
        func reserve() async throws -> UsageMeter.Outcome {
            try await meter.charge(
                UsageMeter.Usage(subject: "ada", units: 1, limit: UsageLimit(units: 10), requestID: "r", route: "/x"),
                idempotencyKey: "k")
        }
        guard case .granted(let ticket) = try await reserve() else { Issue.record("not granted"); return }
        let stored = StoredResponse(status: 201, contentType: nil, body: Array("done".utf8))
        try await meter.keepResponse(stored, for: ticket)
        #expect(try await reserve() == .replay(stored))
        pipeline.time.advance(86_401)
        let clock = MockClock()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await IdempotencyKeyPruner(meter: meter, every: .seconds(3600), clock: clock).run() }
            await clock.advanceWhenSleeping(until: .init(offset: .seconds(3600)))
            await clock.nextSleepScheduled()  // the pruner pruned and went back to sleep
            group.cancelAll()
        }
        guard case .granted = try await reserve() else { Issue.record("the expired key was still honoured"); return }
    }

    @Test func aGoodFileIsRead() throws {
        let configuration = try PipelineConfiguration.parse(
            """
            [server]
            port = 9000
            [database]
            path = "x.sqlite"
            [session]
            secret_env = "MY_SECRET"
            [workers]
            concurrency = 2
            [plans.free]
            features = ["a"]
            limit = 10
            [plans.pro]
            features = ["a", "b"]
            limit = 5
            period = "hour"
            [llm]
            provider = "anthropic"
            """)
        #expect(configuration.server.port == 9000 && configuration.databasePath == "x.sqlite")
        #expect(configuration.workers.concurrency == 2)
        #expect(
            configuration.plans["pro"]
                == Plan(name: "pro", features: ["a", "b"], limit: UsageLimit(units: 5, period: .hour)))
        #expect(configuration.sessionSecret(environment: ["MY_SECRET": "s3cret"]) == Array("s3cret".utf8))
        #expect(configuration.sessionSecret(environment: [:]) == nil)
    }

    @Test func aBadFileIsRefusedWithItsLineAndKey() {
        let cases: [(String, Int?, String?)] = [
            ("[server]\nport = \"eighty\"\n", 2, "server.port"),
            ("[server]\nhost = \"h\"\nprot = 80\n", 3, "server.prot"),
            ("[server]\nport = 99999\n", 2, "server.port"),
            ("[session]\nsecret = \"hunter2\"\n", 2, "session.secret"),
            ("\n[plans.free]\nfeatures = [\"a\"]\nlimit = 10\nperiod = \"week\"\n", 5, "plans.free.period"),
            ("[plans.free]\nlimit = 10\n", 1, "plans.free"),
            ("[server]\nport = = 3\n", 2, nil),
        ]
        for (text, line, key) in cases {
            do {
                _ = try PipelineConfiguration.parse(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.line == line, "\(text)")
                #expect(error.key == key, "\(text)")
                #expect(!error.description.contains("hunter2"))
            }
        }
    }
}
