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

@Suite struct ThinProxyTests {
    /// The 202 body is the Pipeline encoder's JSON: snake_case, sorted keys, unescaped slashes,
    /// the same bytes whether counted by the proxy or before it.
    @Test(arguments: chargings) func theAcceptedBodyIsThePipelinesJSON(charging: UsageLimitMiddleware.Charging)
        async throws
    {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router(charging: charging)).test(.router) { client in
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"hi"}"#)
            ) { response in
                #expect(response.headers[.contentType] == "application/json")
                #expect(
                    String(buffer: response.body)
                        == #"{"job_id":1,"status":"pending","status_url":"/api/echo/1","worker":"echo"}"#)
            }
        }
    }

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
