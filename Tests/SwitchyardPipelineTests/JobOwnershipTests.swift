import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

/// A job id a client saw is never handed out again, and a job is shown to its owner only.
@Suite struct JobOwnershipTests {
    /// Enqueues `text` as `subject` and returns the job id from the 202.
    static func enqueue(_ text: String, as subject: String, pipeline: TestPipeline, client: some TestClientProtocol)
        async throws
        -> Int64
    {
        try await client.execute(
            uri: "/api/echo", method: .post, headers: pipeline.bearer(subject), body: body(#"{"text":"\#(text)"}"#)
        ) { response in
            #expect(response.status == .accepted)
            return Int64(try #require(try jsonBody(response)["job_id"] as? Int))
        }
    }

    static func status(of id: Int64, as subject: String, pipeline: TestPipeline, client: some TestClientProtocol)
        async throws
        -> HTTPResponse.Status
    {
        try await client.execute(uri: "/api/echo/\(id)", method: .get, headers: pipeline.bearer(subject)) { $0.status }
    }

    /// Claims and completes every pending echo job.
    static func completeAll(_ jobs: SQLiteJobStore) async throws {
        for job in try await jobs.claim(queue: "echo", limit: 100, owner: "w", lease: 60) {
            #expect(try await jobs.complete(id: job.id, owner: "w", result: job.payload))
        }
    }

    @Test(arguments: chargings) func aPrunedJobsIDIsNeverHandedToAnotherCaller(charging: UsageLimitMiddleware.Charging)
        async throws
    {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router(charging: charging)).test(.router) { client in
            let first = try await Self.enqueue("ada's first", as: "ada", pipeline: pipeline, client: client)
            let second = try await Self.enqueue("ada's second", as: "ada", pipeline: pipeline, client: client)
            try await Self.completeAll(pipeline.jobs)
            // A quiet week: every job is pruned, so the table is empty.
            pipeline.time.advance(8 * 86_400)
            #expect(
                try await pipeline.jobs.pruneCompleted(
                    finishedBefore: pipeline.time.now.addingTimeInterval(-7 * 86_400)) == 2)
            let graces = try await Self.enqueue("grace's", as: "grace", pipeline: pipeline, client: client)
            #expect(graces > second && graces != first)
            // ada reads neither her pruned jobs nor grace's; grace reads hers.
            for id in [first, second, graces] {
                #expect(try await Self.status(of: id, as: "ada", pipeline: pipeline, client: client) == .notFound)
            }
            #expect(try await Self.status(of: graces, as: "grace", pipeline: pipeline, client: client) == .ok)
        }
    }

    @Test func idsAreNotReusedAfterARestartEither() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            for n in 0..<3 { _ = try await Self.enqueue("\(n)", as: "ada", pipeline: pipeline, client: client) }
            try await Self.completeAll(pipeline.jobs)
        }
        #expect(try await pipeline.jobs.pruneCompleted(finishedBefore: pipeline.time.now.addingTimeInterval(1)) == 3)
        // A new process on the same file: the bulk insert (explicit ids) and the single one
        // both count on from the largest id ever given.
        let reopened = try SQLiteJobStore(database: SQLiteDatabase(path: pipeline.database.path))
        let bulk = try await reopened.database.pool.write { db in
            try reopened.enqueue(
                [NewJob(queue: "echo", payloadJSON: "{}"), NewJob(queue: "echo", payloadJSON: "{}")], in: db)
        }
        #expect(bulk.map(\.job.id) == [4, 5])
        #expect(try await reopened.enqueue(NewJob(queue: "echo", payloadJSON: "{}")).job.id == 6)
    }

    @Test func aJobOfAFreeRouteIsReadByItsOwner() async throws {
        // A route that costs nothing writes no ledger row: the job itself names its owner.
        let pipeline = try TestPipeline()
        let router = Router(context: PipelineContext.self)
        router.addRootMiddleware(sessions: pipeline.signer, metrics: nil)
        let api = router.apiGroup(
            subscriptions: pipeline.subscriptions, plans: testPlans, meter: pipeline.meter, cost: { _ in 0 })
        api.group("echo").post(
            use: ThinProxy<EchoInput>.enqueue(
                to: "echo", jobs: pipeline.jobs, meter: pipeline.meter, statusPath: "/api/echo"
            ).handle
        )
        .get("{id}", use: JobStatusLookup(EchoInput.self, queue: "echo", jobs: pipeline.jobs).handle)
        try await Application(router: router).test(.router) { client in
            let id = try await Self.enqueue("free", as: "ada", pipeline: pipeline, client: client)
            #expect(try await Self.status(of: id, as: "ada", pipeline: pipeline, client: client) == .ok)
            #expect(try await Self.status(of: id, as: "grace", pipeline: pipeline, client: client) == .notFound)
        }
        #expect(try await pipeline.jobs.job(id: 1)?.owner == "ada")
        let ledger = try await pipeline.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM switchyard_usage_ledger")
        }
        #expect(ledger == 0)
    }

    @Test func jobsMadeBeforeJobsRecordedOwnersAreStillTheirOwners() async throws {
        // A database of the earlier schema: job 5 was made by ada's request, after an older
        // job 5 of eve's had been pruned (ids were reused then).
        let database = try temporaryDatabase()
        try database.migrate([SQLiteJobStore.migrations[0]] + PipelineSchema.migrations.prefix(2))
        try await database.pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO switchyard_jobs (id, queue, payload, status, attempt, max_attempts, run_after, created_at, updated_at)
                    VALUES (5, 'echo', '{"text":"a"}', 'pending', 0, 5, 0, 0, 0), (6, 'echo', '{"text":"b"}', 'pending', 0, 5, 0, 0, 0);
                    INSERT INTO switchyard_usage_ledger (id, subject, period_start, units, request_id, route, worker, job_id, created_at)
                    VALUES (1, 'eve', 0, 1, 'r1', '/api/echo', 'echo', 5, 0), (2, 'ada', 0, 1, 'r2', '/api/echo', 'echo', 5, 0);
                    """)
        }
        let jobs = try SQLiteJobStore(database: database)
        _ = try UsageMeter(database: database, writer: GroupCommit(database: database))
        #expect(try await jobs.job(id: 5)?.owner == "ada")
        #expect(try await jobs.job(id: 6)?.owner == nil)
    }

    @Test(arguments: chargings) func aReplayedEnqueueKeepsItsLocation(charging: UsageLimitMiddleware.Charging)
        async throws
    {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router(charging: charging)).test(.router) { client in
            var locations: [String?] = []
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: pipeline.bearer("ada", idempotencyKey: "k-1"),
                    body: body(#"{"text":"hi"}"#)
                ) { response in
                    #expect(response.status == .accepted)
                    locations.append(response.headers[.location])
                }
            }
            #expect(locations == ["/api/echo/1", "/api/echo/1"])
        }
    }
}

/// A middleware after the usage gate that holds requests marked `X-Hold` until released, then
/// refuses them (as a later gate would).
final class HoldThenRefuse: RouterMiddleware, Sendable {
    typealias Context = APIContext
    private let arrivals: AsyncStream<Void>.Continuation
    let arrived: AsyncStream<Void>
    private let release = Mutex<[CheckedContinuation<Void, Never>]>([])

    init() { (arrived, arrivals) = AsyncStream.makeStream() }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.headers[HTTPField.Name("X-Hold")!] != nil else { return try await next(request, context) }
        await withCheckedContinuation { continuation in
            release.withLock { $0.append(continuation) }
            arrivals.yield()
        }
        throw APIError(.forbidden, code: .refused, message: "held, then refused")
    }

    func releaseAll() {
        release.withLock {
            $0.forEach { $0.resume() }; $0 = []
        }
    }
}

@Suite struct DefaultChargingTests {
    /// Under the default charging, a request refused after the usage gate never holds units,
    /// so a valid request at the limit is not refused because of it.
    @Test func aRefusedRequestInFlightDoesNotTakeAValidRequestsPlace() async throws {
        let pipeline = try TestPipeline()
        let hold = HoldThenRefuse()
        let router = Router(context: PipelineContext.self)
        router.addRootMiddleware(sessions: pipeline.signer, metrics: nil)
        router.group("api", context: APIContext.self)
            .add(middleware: SetPlan(plan: Plan(name: "one", features: ["echo"], limit: UsageLimit(units: 1))))
            .add(middleware: UsageLimitMiddleware(meter: pipeline.meter))  // the default charging
            .add(middleware: hold)
            .post(
                "echo",
                use: ThinProxy<EchoInput>.enqueue(
                    to: "echo", jobs: pipeline.jobs, meter: pipeline.meter, statusPath: "/api/echo"
                ).handle)
        try await Application(router: router).test(.router) { client in
            var headers = pipeline.bearer("ada")
            headers[HTTPField.Name("X-Hold")!] = "1"
            let held = Task { [headers] in
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: headers, body: body(#"{"text":"no"}"#)
                ) { $0.status }
            }
            var arrivals = hold.arrived.makeAsyncIterator()
            await arrivals.next()
            // The held request is past the usage gate: the valid one still fits in the limit.
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"yes"}"#)
            ) {
                #expect($0.status == .accepted)
            }
            hold.releaseAll()
            #expect(try await held.value == .forbidden)
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerRows == 1)
    }
}

extension DefaultChargingTests {
    /// A handler that is not a proxy, under the default charging, is counted after it answers:
    /// a retry with the same key is answered from the key, without running it again.
    @Test func aRetryOfAHandlerThatIsNotAProxyIsReplayedWithoutRunningItAgain() async throws {
        let pipeline = try TestPipeline()
        let runs = Mutex(0)
        let router = pipeline.usageGateRouter(
            plan: Plan(name: "p", features: [], limit: UsageLimit(units: 5)), charging: .byProxy
        ) {
            _, _ in
            let run = runs.withLock { runs in
                runs += 1
                return runs
            }
            return Response(
                status: .created, headers: [.location: "/things/\(run)"],
                body: .init(byteBuffer: ByteBuffer(string: "run \(run)")))
        }
        try await Application(router: router).test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/api/work", method: .post, headers: pipeline.bearer("ada", idempotencyKey: "k-7"),
                    body: body("{}")
                ) { response in
                    #expect(response.status == .created)
                    #expect(String(buffer: response.body) == "run 1" && response.headers[.location] == "/things/1")
                }
            }
        }
        #expect(runs.withLock { $0 } == 1)
        #expect(try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now).counter == 1)
    }
}

/// Every statement the database's writer runs, as `VERB table` (reads of the next id as
/// `NEXT_ID table`); transaction control is left out.
final class WriteTrace: Sendable {
    private let statements = Mutex<[String]>([])

    init(_ database: SQLiteDatabase) async throws {
        try await database.pool.writeWithoutTransaction { db in
            db.trace(options: .statement) { [self] event in
                guard case .statement(let statement) = event else { return }
                if let line = Self.summary(statement.sql) { statements.withLock { $0.append(line) } }
            }
        }
    }

    /// Takes the statements recorded so far.
    func take() -> [String] {
        statements.withLock { statements in
            defer { statements = [] }
            return statements
        }
    }

    static func summary(_ sql: String) -> String? {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" }).map(String.init)
        guard let verb = words.first?.uppercased() else { return nil }
        switch verb {
        case "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA": return nil
        case "INSERT": return "INSERT \(words[2])"
        case "UPDATE": return "UPDATE \(words[1])"
        case "DELETE": return "DELETE \(words[2])"
        case "SELECT":
            let table = words.last { $0.hasPrefix("switchyard_") } ?? "?"
            return sql.contains("MAX(") ? "NEXT_ID \(table)" : "SELECT \(table)"
        default: return sql
        }
    }
}

@Suite struct ThinProxyFromOutsideTests {
    /// Inputs a proxy that validated or branched on business rules would treat differently.
    static let inputs: [String] = {
        var inputs = [
            "", " ", "x", "DROP TABLE switchyard_jobs", "ünïcödé ✓ 🚀", "\"quoted\" \\ back", "line\nbreak", "0", "-1",
            "null",
            String(repeating: "long ", count: 2_000),
        ]
        var generator = SplitMix64(seed: 13)  // seeded: a failure names an input that reproduces
        for _ in 0..<20 {
            let length = Int.random(in: 0..<64, using: &generator)
            inputs.append(
                String(
                    (0..<length).map { _ in Character(UnicodeScalar(UInt8.random(in: 32..<127, using: &generator))) }))
        }
        return inputs
    }()

    /// Seen from the database, not from markers of the proxy's own: for any input that decodes,
    /// an enqueue proxy writes the count, the job (its payload the input, unchanged) and the
    /// ledger row naming the job — nothing else, the same statements for every input — and
    /// answers 202. A proxy that validated, branched on its input or counted usage itself fails.
    @Test func anEnqueueProxyForwardsEveryInputAndWritesExactlyTheCountTheJobAndTheLedgerRow() async throws {
        let pipeline = try TestPipeline(subscriptions: ["grace": .init(plan: "pro", status: .active)])
        let trace = try await WriteTrace(pipeline.database)
        try await Application(router: pipeline.router(charging: .byProxy)).test(.router) { client in
            for (n, text) in Self.inputs.enumerated() {
                let json = String(decoding: try JSONEncoder().encode(EchoInput(text: text)), as: UTF8.self)
                _ = trace.take()
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: pipeline.bearer("grace"), body: body(json)
                ) { response in
                    #expect(response.status == .accepted, "input \(n)")
                    let json = try jsonBody(response)
                    #expect(json["job_id"] as? Int == n + 1)
                }
                #expect(
                    trace.take() == [
                        "INSERT switchyard_usage_counters", "NEXT_ID switchyard_jobs", "INSERT switchyard_jobs",
                        "NEXT_ID switchyard_usage_ledger", "INSERT switchyard_usage_ledger",
                    ], "input \(n)")
                let job = try #require(try await pipeline.jobs.job(id: Int64(n + 1)))
                #expect(try job.decodePayload(as: EchoInput.self) == EchoInput(text: text))
            }
        }
        #expect(
            pipeline.steps.all
                == Array(repeating: [.extract, .forward, .logUsage, .respond], count: Self.inputs.count).flatMap { $0 })
        let usage = try await pipeline.meter.usage(subject: "grace", period: .day, at: pipeline.time.now)
        #expect(usage.counter == Self.inputs.count && usage.ledgerRows == Self.inputs.count)
    }
}

/// A small seeded generator (SplitMix64), so generated inputs are the same in every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
