import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
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
        let router = pipelineTestRouter(sessions: pipeline.signer)
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
