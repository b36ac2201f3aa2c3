import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import SwitchyardConfiguration
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardStore

@Suite struct ThinProxyTests {
    @Test(arguments: chargings) func aProxyRunsExactlyTheFourStepsAndEnqueuesWithItsUsageLog(
        charging: UsageLimitMiddleware.Charging
    )
        async throws
    {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router(charging: charging)).test(.router) { client in
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"hi"}"#)
            ) {
                response in
                #expect(response.status == .accepted)
                let json = try jsonBody(response)
                #expect(
                    json["job_id"] as? Int == 1 && json["status"] as? String == "pending"
                        && json["worker"] as? String == "echo")
                #expect(json["status_url"] as? String == "/api/echo/1")
                #expect(response.headers[.location] == "/api/echo/1")
            }
        }
        #expect(pipeline.steps.all == [.extract, .forward, .logUsage, .respond])
        let job = try #require(try await pipeline.jobs.job(id: 1))
        #expect(try job.decodePayload(as: EchoInput.self) == EchoInput(text: "hi"))
        // The ledger row names the worker and the job: logged in the enqueue's transaction.
        let logged = try await pipeline.database.pool.read { db -> [String] in
            try Row.fetchAll(db, sql: "SELECT worker, job_id, route FROM switchyard_usage_ledger").map {
                "\($0[0] as String) \($0[1] as Int64) \($0[2] as String)"
            }
        }
        #expect(logged == ["echo 1 /api/echo"])
    }

    @Test(arguments: chargings) func aMalformedBodyIsA400WithRichContextAndCountsNothing(
        charging: UsageLimitMiddleware.Charging
    )
        async throws
    {
        let pipeline = try TestPipeline()
        let cases: [(String, String, String?)] = [
            ("{", "the body is not valid JSON", nil), (#"{"txt":"hi"}"#, "missing field `text`", "text"),
            (#"{"text":5}"#, "field `text` must be a string", "text"), ("", "the body is not valid JSON", nil),
        ]
        try await Application(router: pipeline.router(charging: charging)).test(.router) { client in
            for (payload, message, field) in cases {
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(payload)
                ) {
                    response in
                    #expect(response.status == .badRequest)
                    let error = try errorBody(response)
                    #expect(error.code == "invalid_body")
                    #expect(error.message == message)
                    #expect((error.details)?["field"] == field)
                    #expect(error.route == "/api/echo")
                    #expect(error.worker == nil)
                }
            }
        }
        #expect(pipeline.steps.all.allSatisfy { $0 == .extract })
        #expect(try await pipeline.jobs.counts().isEmpty)
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 0 && usage.ledgerRows == 0)
    }

    @Test(arguments: chargings) func aRequestRejectedByALaterGateLeavesNoCount(charging: UsageLimitMiddleware.Charging)
        async throws
    {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router(charging: charging)).test(.router) { client in
            // ada is on free: the feature gate refuses (after the usage gate counted, when it
            // charges before the handler).
            try await client.execute(
                uri: "/api/shout", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"hi"}"#)
            ) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/shout", method: .post, headers: pipeline.bearer("grace"), body: body(#"{"text":"hi"}"#)
            ) {
                response in
                #expect(response.status == .ok)
                let json_ = try jsonBody(response)
                #expect(json_["text"] as? String == "HI")
            }
        }
        let ada = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(ada.counter == 0 && ada.ledgerRows == 0)
        let grace = try await pipeline.meter.usage(subject: "grace", period: .day, at: pipeline.time.now)
        #expect(grace.counter == 1 && grace.ledgerRows == 1)
    }

    @Test func aJobsStatusIsVisibleToItsOwnerOnly() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"hi"}"#)
            ) {
                #expect($0.status == .accepted)
            }
            try await client.execute(uri: "/api/echo/1", method: .get, headers: pipeline.bearer("ada")) { response in
                let json = try jsonBody(response)
                #expect(json["status"] as? String == "pending" && json["job_id"] as? Int == 1 && json["result"] == nil)
            }
            _ = try await pipeline.jobs.claim(queue: "echo", limit: 1, owner: "w", lease: 30)
            _ = try await pipeline.jobs.complete(id: 1, owner: "w", result: #"{"text":"done"}"#)
            try await client.execute(uri: "/api/echo/1", method: .get, headers: pipeline.bearer("ada")) { response in
                let json = try jsonBody(response)
                #expect(json["status"] as? String == "completed")
                #expect((json["result"] as? [String: String]) == ["text": "done"])
            }
            for (uri, subject) in [("/api/echo/1", "grace"), ("/api/echo/99", "ada"), ("/api/echo/abc", "ada")] {
                try await client.execute(uri: uri, method: .get, headers: pipeline.bearer(subject)) { response in
                    #expect(response.status == .notFound)
                    let error = try errorBody(response)
                    #expect(error.code == "unknown_job" && error.worker == "echo")
                    #expect(error.route == "/api/echo/{id}")
                }
            }
        }
    }
}

/// ``UsageLimitMiddleware/Charging/byProxy``: the enqueue proxy counts the request in the
/// transaction that enqueues its job.
@Suite struct ChargedByProxyTests {
    func jobIDs(_ pipeline: TestPipeline) async throws -> (jobs: [Int64], ledger: [Int64]) {
        try await pipeline.database.pool.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT id FROM switchyard_jobs ORDER BY id"),
                try Int64.fetchAll(db, sql: "SELECT job_id FROM switchyard_usage_ledger ORDER BY job_id")
            )
        }
    }

    @Test func overTheLimitNothingIsEnqueuedAndEveryCountNamesItsJob() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router(charging: .byProxy)).test(.router) { client in
            for n in 1...4 {
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"\#(n)"}"#)
                ) {
                    response in
                    if n <= 3 {
                        #expect(response.status == .accepted)
                    } else {
                        #expect(response.status == .tooManyRequests)
                        let error = try errorBody(response)
                        #expect(error.code == "over_limit" && error.worker == nil)
                        #expect(error.details?["used"] == "3" && error.details?["reset_at"] == "2027-01-16T00:00:00Z")
                    }
                }
            }
        }
        let ids = try await jobIDs(pipeline)
        #expect(ids.jobs == [1, 2, 3] && ids.ledger == [1, 2, 3])
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 3 && usage.ledgerUnits == 3 && usage.ledgerRows == 3)
    }

    @Test func theCountAndTheJobCommitTogetherOrNotAtAll() async throws {
        let pipeline = try TestPipeline()
        try await pipeline.database.pool.write { db in
            try db.execute(
                sql:
                    "CREATE TRIGGER refuse BEFORE INSERT ON switchyard_jobs BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
            )
        }
        try await Application(router: pipeline.router(charging: .byProxy)).test(.router) { client in
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"hi"}"#)
            ) {
                response in
                #expect(response.status == .internalServerError)
                let error = try errorBody(response)
                #expect(error.code == "worker_failed" && error.worker == "echo")
                #expect(!error.message.contains("disk says no"))
            }
            let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
            #expect(usage.counter == 0 && usage.ledgerRows == 0)
            try await pipeline.database.pool.write { db in try db.execute(sql: "DROP TRIGGER refuse") }
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"hi"}"#)
            ) {
                #expect($0.status == .accepted)
            }
        }
        let ids = try await jobIDs(pipeline)
        #expect(ids.jobs == ids.ledger && ids.jobs.count == 1)
    }

    @Test func anIdempotentRetryEnqueuesOnceAndReplaysTheFirstAnswer() async throws {
        let pipeline = try TestPipeline()
        // The answer is kept in the transaction that counts and enqueues, not in a later write
        // (a crash between the two would leave the key "in progress" and its retries refused).
        try await pipeline.database.pool.write { db in
            try db.execute(
                sql:
                    "CREATE TRIGGER no_later_write BEFORE UPDATE ON switchyard_idempotency_keys BEGIN SELECT RAISE(ABORT, 'a second write'); END"
            )
        }
        let idempotent = pipeline.bearer("ada", idempotencyKey: "summary-7")
        try await Application(router: pipeline.router(charging: .byProxy)).test(.router) { client in
            let first = try await client.execute(
                uri: "/api/echo", method: .post, headers: idempotent, body: body(#"{"text":"hi"}"#)
            ) {
                response in
                #expect(response.status == .accepted)
                return String(buffer: response.body)
            }
            let kept = try await pipeline.database.pool.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT status, response_status, response_body FROM switchyard_idempotency_keys")
            }
            #expect(kept?["status"] == "completed" && kept?["response_status"] == 202)
            #expect(String(decoding: kept?["response_body"] as Data? ?? Data(), as: UTF8.self) == first)
            try await client.execute(
                uri: "/api/echo", method: .post, headers: idempotent, body: body(#"{"text":"hi"}"#)
            ) { response in
                #expect(response.status == .accepted)
                #expect(String(buffer: response.body) == first)
                #expect(response.headers[.init("Idempotent-Replayed")!] == "true")
            }
        }
        #expect(try await jobIDs(pipeline).jobs == [1])
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerRows == 1)
    }

    /// Posts to `/api/work` three times under a limit of 2, charged by proxy: the statuses.
    func threeRequests(
        _ pipeline: TestPipeline, handler: @escaping @Sendable (Request, APIContext) async throws -> Response
    )
        async throws -> [HTTPResponse.Status]
    {
        let plan = Plan(name: "free", features: [], limit: UsageLimit(units: 2))
        return try await Application(router: pipeline.usageGateRouter(plan: plan, charging: .byProxy, handler: handler))
            .test(.router) {
                client in
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<3 {
                    statuses.append(
                        try await client.execute(uri: "/api/work", method: .post, headers: pipeline.bearer("ada")) {
                            $0.status
                        })
                }
                return statuses
            }
    }

    @Test func aHandlerThatIsNotAProxyIsCountedAfterItAnswers() async throws {
        let pipeline = try TestPipeline()
        let calls = CallCounter()
        let statuses = try await threeRequests(pipeline) { _, _ in
            _ = calls.next()
            return Response(status: .ok)
        }
        #expect(statuses == [.ok, .ok, .tooManyRequests])
        // It ran the third time (nothing stopped it first), but the count never passes the limit.
        #expect(calls.count == 3)
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 2 && usage.ledgerRows == 2)
    }

    @Test func aHandlerThatChargesFirstIsNotRunOverTheLimit() async throws {
        let pipeline = try TestPipeline()
        let calls = CallCounter()
        let statuses = try await threeRequests(pipeline) { _, context in
            if let replay = try await context.usage?.charge() { return replay }
            _ = try await context.usage?.charge()  // charged already: nothing more
            _ = calls.next()
            return Response(status: .ok)
        }
        #expect(statuses == [.ok, .ok, .tooManyRequests])
        #expect(calls.count == 2)
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 2 && usage.ledgerRows == 2)
    }
}

@Suite struct InProcessWorkerTests {
    /// Never answers: waits on a stream nothing feeds until the proxy's deadline cancels it.
    struct Stalled: RequestWorker {
        let name = "stalled"
        let never = AsyncStream<Never>.makeStream()
        func handle(_ input: EchoInput) async throws -> EchoInput {
            for await _ in never.stream {}
            throw CancellationError()
        }
    }

    @Test(arguments: chargings) func aWorkerPastItsTimeoutIsA504NamingItAndCountsNothing(
        charging: UsageLimitMiddleware.Charging
    )
        async throws
    {
        let pipeline = try TestPipeline()
        let clock = MockClock()
        let router = Router(context: PipelineContext.self)
        router.addRootMiddleware(sessions: pipeline.signer, metrics: nil)
        router.apiGroup(
            subscriptions: pipeline.subscriptions, plans: testPlans, meter: pipeline.meter, charging: charging
        )
        .post("slow", use: ThinProxy.call(Stalled(), timeout: .seconds(2), meter: pipeline.meter, clock: clock).handle)
        try await Application(router: router).test(.router) { client in
            async let answer = client.execute(
                uri: "/api/slow", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"x"}"#)
            ) {
                response in (response.status, try errorBody(response))
            }
            await clock.advanceWhenSleeping(until: .init(offset: .seconds(2)))
            let (status, error) = try await answer
            #expect(status == .gatewayTimeout)
            #expect(error.code == "worker_timeout" && error.worker == "stalled" && error.route == "/api/slow")
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 0 && usage.ledgerRows == 0)
    }
}

@Suite struct ConcurrencyTests {
    /// Over a live loopback server (AsyncHTTPClient): 500 concurrent requests against a limit of
    /// 100 accept exactly 100; the ledger and the counter agree.
    @Test(arguments: chargings) func fiveHundredConcurrentRequestsAgainstALimitOf100AcceptExactly100(
        charging: UsageLimitMiddleware.Charging
    ) async throws {
        let pipeline = try TestPipeline()
        let plans = ["free": Plan(name: "free", features: ["echo"], limit: UsageLimit(units: 100))]
        let headers = pipeline.bearer("ada")
        try await Application(router: pipeline.router(plans: plans, charging: charging)).test(.ahc(.http)) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<500 {
                    group.addTask {
                        try await client.execute(
                            uri: "/api/echo", method: .post, headers: headers, body: body(#"{"text":"\#(n)"}"#)
                        ) {
                            $0.status.code
                        }
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(statuses == [202: 100, 429: 400])
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 100 && usage.ledgerUnits == 100 && usage.ledgerRows == 100)
        #expect(try await pipeline.jobs.counts() == [JobCount(queue: "echo", status: .pending, count: 100)])
    }
}

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
            let reservations = try pipeline.meter.charge(usages, in: db) { granted in
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

    @Test func metricsUseRouteTemplatesAsLabels() async throws {
        let pipeline = try TestPipeline()
        let registry = PrometheusCollectorRegistry()
        let router = Router(context: PipelineContext.self)
        router.addRootMiddleware(sessions: pipeline.signer, metrics: registry)
        router.addStatusRoutes(database: pipeline.database, metrics: registry)
        router.get("items/{id}") { _, _ in "item" }
        try await Application(router: router).test(.router) { client in
            for id in 1...3 {
                try await client.execute(uri: "/items/\(id)", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json_ = try jsonBody(response)
                #expect(json_["database"] as? String == "ok")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"http_requests_total{route="/items/{id}",method="GET",status="200"} 3"#))
                #expect(!text.contains("/items/1"))
            }
        }
    }
}
