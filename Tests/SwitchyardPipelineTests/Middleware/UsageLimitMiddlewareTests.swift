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

@Suite struct UsageLimitMiddlewareTests {
    @Test func requestsPastTheLimitAreRefusedWithTheResetTime() async throws {
        let pipeline = try TestPipeline()
        let plan = Plan(name: "free", features: [], limit: UsageLimit(units: 2, period: .day))
        let router = pipeline.usageGateRouter(plan: plan) { _, _ in Response(status: .ok) }
        try await Application(router: router).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/api/work", method: .post, headers: pipeline.bearer("ada")) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/api/work", method: .post, headers: pipeline.bearer("ada")) { response in
                #expect(response.status == .tooManyRequests)
                let error = try errorBody(response)
                #expect(error.code == "over_limit")
                let details = try #require(error.details)
                #expect(details["limit"] == "2" && details["used"] == "2")
                #expect(details["reset_at"] == "2027-01-16T00:00:00Z")  // the next UTC midnight after 1_800_000_000
                #expect(response.headers[.retryAfter] != nil)
            }
            // Reads cost nothing; another caller has its own counter.
            try await client.execute(uri: "/api/free-read", method: .get, headers: pipeline.bearer("ada")) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/work", method: .post, headers: pipeline.bearer("bob")) {
                #expect($0.status == .ok)
            }
            // The next period starts from zero.
            pipeline.time.advance(86_400)
            try await client.execute(uri: "/api/work", method: .post, headers: pipeline.bearer("ada")) {
                #expect($0.status == .ok)
            }
        }
        let usage = try await pipeline.meter.usage(
            subject: "ada", period: .day, at: pipeline.time.now.addingTimeInterval(-86_400))
        #expect(usage.counter == 2 && usage.ledgerUnits == 2 && usage.ledgerRows == 2)
    }

    @Test func aFailedRequestLeavesNoUsage() async throws {
        let pipeline = try TestPipeline()
        let plan = Plan(name: "free", features: [], limit: UsageLimit(units: 5))
        let router = pipeline.usageGateRouter(plan: plan) { request, _ in
            switch request.uri.queryParameters["fail"] {
            case "throw": throw APIError(.unprocessableContent, code: .refused, message: "no")
            case "status": return Response(status: .badRequest)
            default: return Response(status: .ok)
            }
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/work?fail=throw", method: .post, headers: pipeline.bearer("ada")) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/work?fail=status", method: .post, headers: pipeline.bearer("ada")) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/work", method: .post, headers: pipeline.bearer("ada")) {
                #expect($0.status == .ok)
            }
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerUnits == 1 && usage.ledgerRows == 1)
    }

    @Test func anIdempotentRetryCountsOnceAndReplaysTheFirstResponse() async throws {
        let pipeline = try TestPipeline()
        let plan = Plan(name: "free", features: [], limit: UsageLimit(units: 5))
        let calls = CallCounter()
        let router = pipeline.usageGateRouter(plan: plan) { _, _ in
            let n = calls.next()
            return Response(
                status: .created, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "call \(n)")))
        }
        let headers = pipeline.bearer("ada", idempotencyKey: "order-42")
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/work", method: .post, headers: headers) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == "call 1")
            }
            try await client.execute(uri: "/api/work", method: .post, headers: headers) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == "call 1")
                #expect(response.headers[.contentType] == "text/plain")
                #expect(response.headers[.init("Idempotent-Replayed")!] == "true")
            }
            try await client.execute(uri: "/api/other", method: .post, headers: headers) { response in
                #expect(response.status == .unprocessableContent)
                let error = try errorBody(response)
                #expect(error.code == "idempotency_key_reused" && error.details?["first_route"] == "/api/work")
            }
        }
        #expect(calls.count == 1)
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerRows == 1)
    }

    @Test func anIdempotencyKeyIsBoundToTheRequestBody() async throws {
        let pipeline = try TestPipeline()
        let calls = CallCounter()
        let router = pipeline.usageGateRouter(plan: Plan(name: "free", features: [], limit: UsageLimit(units: 5))) {
            request, context in
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            return Response(
                status: .created,
                body: .init(byteBuffer: ByteBuffer(string: "call \(calls.next()): \(String(buffer: body))")))
        }
        let headers = pipeline.bearer("ada", idempotencyKey: "order-44")
        try await Application(router: router).test(.router) { client in
            try await client.execute(
                uri: "/api/work", method: .post, headers: headers, body: ByteBuffer(string: #"{"qty":1}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == #"call 1: {"qty":1}"#)
            }
            try await client.execute(
                uri: "/api/work", method: .post, headers: headers, body: ByteBuffer(string: #"{"qty":2}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let error = try errorBody(response)
                #expect(error.code == "idempotency_key_reused" && error.message.contains("another request body"))
            }
            try await client.execute(
                uri: "/api/work", method: .post, headers: headers, body: ByteBuffer(string: #"{"qty":1}"#)
            ) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == #"call 1: {"qty":1}"#)
                #expect(response.headers[.init("Idempotent-Replayed")!] == "true")
            }
        }
        #expect(calls.count == 1)
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerRows == 1)
    }

    @Test func aResponseThatCannotBeKeptStillReachesTheCallerAndIsNeverRunTwice() async throws {
        let pipeline = try TestPipeline()
        try await pipeline.database.pool.write { db in
            try db.execute(
                sql:
                    "CREATE TRIGGER refuse BEFORE UPDATE ON switchyard_idempotency_keys BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
            )
        }
        let calls = CallCounter()
        let router = pipeline.usageGateRouter(plan: Plan(name: "free", features: [], limit: UsageLimit(units: 5))) {
            _, _ in
            Response(status: .created, body: .init(byteBuffer: ByteBuffer(string: "call \(calls.next())")))
        }
        let headers = pipeline.bearer("ada", idempotencyKey: "order-43")
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/work", method: .post, headers: headers) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == "call 1")
            }
            try await client.execute(uri: "/api/work", method: .post, headers: headers) { response in
                #expect(response.status == .conflict)
                let code = try errorBody(response).code
                #expect(code == "idempotency_key_in_use")
            }
        }
        #expect(calls.count == 1)
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerRows == 1)
    }
}
