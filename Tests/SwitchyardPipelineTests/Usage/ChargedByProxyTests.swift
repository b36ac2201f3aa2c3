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
import SwitchyardPipelineTesting
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardStore

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
