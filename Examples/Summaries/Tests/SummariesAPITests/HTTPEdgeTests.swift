import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import SummariesAPI
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Testing

@Suite struct HTTPEdgeTests {
    @Test func aStaleSessionCookieDoesNotLockAUserOutOfLogInOrSignUp() async throws {
        let app = try makeApp()
        // The cookie a browser kept from before a restart with another secret.
        let previousRun = try SessionSigner(secret: Array("the secret of the previous server run, 32+ bytes".utf8))
        let stale: HTTPFields = [.cookie: "session=\(previousRun.issue(subject: "1"))"]
        try await Application(router: app.router()).test(.router) { client in
            try await client.execute(
                uri: "/auth/signup", method: .post, headers: stale, body: credentials("ada@example.com")
            ) {
                #expect($0.status == .created)
            }
            try await client.execute(
                uri: "/auth/login", method: .post, headers: stale, body: credentials("ada@example.com")
            ) { response in
                #expect(response.status == .ok)
                let cookies = response.headers[values: .setCookie]
                #expect(cookies.count == 1 && cookies[0].hasPrefix("session=v1."))
            }
            try await client.execute(uri: "/health", method: .get, headers: stale) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.setCookie]?.hasPrefix("session=;") == true)
            }
            try await client.execute(uri: "/api/me", method: .get, headers: stale) { response in
                #expect(response.status == .unauthorized)
                let error = try decode(APIErrorEnvelope.self, response).error
                #expect(error.code == "invalid_session")
            }
        }
    }

    @Test func largeBodiesAre413sNamingEachRoutesConfiguredLimit() async throws {
        let app = try makeApp()
        try await Application(router: app.router()).test(.router) { client in
            let token = try await client.execute(
                uri: "/auth/signup", method: .post, body: credentials("bo@example.com")
            ) {
                try decode(Token.self, $0).token
            }
            let cases: [(String, HTTPFields, ByteBuffer, Int)] = [
                ("/auth/signup", [:], credentials("cy@example.com", padding: 5000), 4096),
                ("/auth/login", [:], credentials("bo@example.com", padding: 3 << 20), 4096),
                (
                    "/api/summaries", bearerHeaders(token: token),
                    ByteBuffer(string: #"{"text":"\#(String(repeating: "a", count: 300_000))"}"#), 262_144
                ),
                (
                    "/api/keywords", bearerHeaders(token: token),
                    ByteBuffer(string: #"{"text":"\#(String(repeating: "a", count: 3 << 20))"}"#), 1 << 20
                ),
            ]
            for (uri, headers, body, limit) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    let error = try decode(APIErrorEnvelope.self, response).error
                    #expect(error.code == "payload_too_large")
                    #expect(error.message == "the request body is larger than this route's limit of \(limit) bytes")
                }
            }
        }
        #expect(try await app.jobs.counts().isEmpty)
    }

    @Test func aWrongMethodIs405WithAllow() async throws {
        let app = try makeApp()
        try await Application(router: app.router()).test(.router) { client in
            for (uri, method, allow) in [
                ("/auth/login", HTTPRequest.Method.get, "POST"), ("/health", .post, "GET"),
                ("/api/summaries/1", .put, "GET"),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow)
                }
            }
            // HEAD is GET without the body.
            try await client.execute(uri: "/health", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
            }
        }
    }

    @Test func theExampleConfigurationNamesRealRoutesAndBoundsTheModel() throws {
        let app = try makeApp()
        try app.configuration.checkBodyLimitRoutes(app.router().routes.map(\.path.description))
        #expect(app.configuration.server.bodyLimits.routes.count == 3)
        #expect(app.summarizer.modelTimeout == .seconds(30))
    }

    /// Over a real socket: a chunked body past the limit is refused as it is read, and a
    /// client that hangs up mid-body is counted as its own doing (499), not as a 500.
    @Test func overLoopbackAnOversizedStreamIs413AndAHangUpMidBodyIsNoServerError() async throws {
        let app = try makeApp()
        try await app.application().test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)/auth/signup"

            let (oversized, feed) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
            for _ in 0..<5 { feed.yield(ByteBuffer(string: String(repeating: " ", count: 1000))) }
            feed.finish()
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.body = .stream(oversized, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 413)
            let body = try await response.body.collect(upTo: 1 << 16)
            #expect(String(buffer: body).contains("limit of 4096 bytes"))

            struct HungUp: Error {}
            let (broken, source) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
            source.yield(ByteBuffer(string: #"{"email":"dee@example.com","#))
            source.finish(throwing: HungUp())
            var hangUp = HTTPClientRequest(url: url)
            hangUp.method = .POST
            hangUp.body = .stream(broken, length: .known(Int64(1000)))
            await #expect(throws: (any Error).self) {
                _ = try await HTTPClient.shared.execute(hangUp, timeout: .seconds(30))
            }

            let counted = try await eventually(maxYields: 20_000) {
                try await client.execute(uri: "/metrics", method: .get) { response in
                    String(buffer: response.body).contains(
                        #"http_requests_total{route="/auth/signup",method="POST",status="499"} 1"#)
                }
            }
            #expect(counted)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(!String(buffer: response.body).contains(#"status="500""#))
            }
        }
    }

    @Test func aHangingModelFallsBackToTheExtractiveSummaryAtTheModelTimeout() async throws {
        let model = ScriptedModel(steps: [.hang])
        let clock = MockClock()
        let worker = SummarizeWorker(
            model: model, modelTimeout: .seconds(30), clock: clock, logger: Logger(label: "test"))
        let job = Job(
            id: 1, queue: "summarize", payload: "{}", status: .processing, attempt: 1, maxAttempts: 5, runAfter: Date(),
            createdAt: Date(), updatedAt: Date())
        async let summary = worker.process(SummaryRequest(text: article, sentences: 2), job: job)
        await model.nextCall()
        // The model call is bounded by a timer on the worker's clock. (Without one, leaving
        // this scope cancels the hanging call.)
        guard await eventually({ clock.sleeperCount == 1 }) else {
            Issue.record("the model call is not bounded by a timeout")
            return
        }
        #expect(await clock.nextSleepScheduled() == .init(offset: .seconds(30)))
        clock.advance(by: .seconds(30))
        #expect(
            try await summary
                == Summary(summary: SummarizeWorker.extractive(article, sentences: 2), method: "extractive"))
    }
}
