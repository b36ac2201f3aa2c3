import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardTesting
import Synchronization
import Testing

struct Note: Codable {
    var text: String
}

extension TestPipeline {
    /// ``router(plans:charging:bodyLimits:)`` plus a public JSON route, `POST /notes`, a
    /// `POST /login` that sets the session cookie, a handler that reads at most 8 bytes,
    /// and 405 answers.
    func edgeRouter(bodyLimits: BodyLimits = BodyLimits()) -> Router<PipelineContext> {
        let router = router(bodyLimits: bodyLimits)
        router.post("notes") { request, context -> Response in
            let note = try await decodeJSONBody(Note.self, from: request, context: context)
            return try jsonResponse(note, status: .created)
        }
        let signer = self.signer
        router.post("login") { _, _ -> Response in
            var response = Response(status: .ok)
            response.setCookie(Cookie(name: "session", value: signer.issue(subject: "ada"), path: "/", httpOnly: true))
            return response
        }
        router.post("tiny") { request, _ -> String in
            String(buffer: try await request.body.collect(upTo: 8))
        }
        router.addMethodNotAllowedResponses()
        return router
    }
}

func bytes(_ count: Int) -> ByteBuffer {
    ByteBuffer(string: #"{"text":""# + String(repeating: "x", count: max(0, count - 11)) + #""}"#)
}

@Suite struct BodyLimitTests {
    @Test func aBodyOverTwoMegabytesIsA413NamingTheLimitNotA500() async throws {
        let pipeline = try TestPipeline()
        let huge = bytes(3 * 1024 * 1024)
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            for (uri, headers) in [
                ("/notes", [:]), ("/api/echo", pipeline.bearer("ada")),
                ("/api/echo", pipeline.bearer("ada", idempotencyKey: "k1")),
            ] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: huge) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    let error = try errorBody(response)
                    #expect(error.code == "payload_too_large")
                    #expect(error.message == "the request body is larger than this route's limit of 2097152 bytes")
                    #expect(error.details?["limit_bytes"] == "2097152")
                    #expect(error.route == uri)
                }
            }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }

    @Test func eachRouteReadsUpToItsConfiguredLimit() async throws {
        let pipeline = try TestPipeline()
        let limits = BodyLimits(standard: 1000, routes: ["notes": 40, "/api/echo/": 50])
        try await Application(router: pipeline.edgeRouter(bodyLimits: limits)).test(.router) { client in
            let cases: [(uri: String, headers: HTTPFields, limit: Int, fits: HTTPResponse.Status)] = [
                ("/notes", [:], 40, .created), ("/api/echo", pipeline.bearer("ada"), 50, .accepted),
                ("/api/echo", pipeline.bearer("ada", idempotencyKey: "k2"), 50, .accepted), ("/login", [:], 1000, .ok),
            ]
            for (uri, headers, limit, fits) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: bytes(limit + 1)) {
                    response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    let error = try errorBody(response)
                    #expect(error.details?["limit_bytes"] == "\(limit)")
                }
                try await client.execute(uri: uri, method: .post, headers: headers, body: bytes(limit)) { response in
                    #expect(response.status == fits, "\(uri)")
                }
            }
        }
        #expect(try await pipeline.jobs.counts().map(\.count).reduce(0, +) == 2)
    }

    /// A handler that reads less than its route allows gets NIO's error: a 413 too.
    @Test func aHandlersOwnSmallerLimitIsA413NotA500() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            try await client.execute(uri: "/tiny", method: .post, body: body("123456789")) { response in
                #expect(response.status == .contentTooLarge)
                let error = try errorBody(response)
                #expect(error.code == "payload_too_large")
            }
            try await client.execute(uri: "/tiny", method: .post, body: body("12345678")) { response in
                #expect(String(buffer: response.body) == "12345678")
            }
        }
    }
}

@Suite struct SessionCookieTests {
    /// Tokens a browser may still hold: signed with the secret of a previous run, expired,
    /// or mangled.
    func staleCookies(_ pipeline: TestPipeline) throws -> [(cookie: String, code: String)] {
        let previousRun = try SessionSigner(
            secret: Array("the secret of the previous server run, 32+ bytes".utf8), now: pipeline.time.closure)
        let expiring = try SessionSigner(secret: secret, lifetime: .seconds(60), now: pipeline.time.closure).issue(
            subject: "ada")
        pipeline.time.advance(61)
        return [
            ("session=\(previousRun.issue(subject: "ada"))", "invalid_session"),
            ("session=\(expiring)", "session_expired"),
            ("session=garbage", "invalid_session"),
        ]
    }

    @Test func aStaleCookieIsIgnoredOnRoutesThatNeedNoIdentityAndCleared() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            for (cookie, _) in try staleCookies(pipeline) {
                try await client.execute(uri: "/whoami", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "anonymous")
                    let cleared = response.headers[values: .setCookie]
                    #expect(cleared.count == 1 && cleared[0].hasPrefix("session=;"))
                    #expect(cleared.first?.contains("Max-Age=0") == true && cleared.first?.contains("Path=/") == true)
                }
                try await client.execute(
                    uri: "/notes", method: .post, headers: [.cookie: cookie], body: body(#"{"text":"hi"}"#)
                ) {
                    #expect($0.status == .created)
                }
                // An error answer clears it too: a refused body, a failure.
                for (uri, status) in [("/notes", HTTPResponse.Status.badRequest), ("/boom", .internalServerError)] {
                    try await client.execute(
                        uri: uri, method: uri == "/boom" ? .get : .post, headers: [.cookie: cookie], body: body("{")
                    ) {
                        response in
                        #expect(response.status == status)
                        #expect(response.headers[values: .setCookie].first?.hasPrefix("session=;") == true, "\(uri)")
                    }
                }
                // Logging in again: the new cookie, and no clearing that would delete it.
                try await client.execute(uri: "/login", method: .post, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                    let cookies = response.headers[values: .setCookie]
                    #expect(cookies.count == 1 && cookies[0].hasPrefix("session=v1."))
                }
            }
        }
    }

    @Test func aStaleCookieOnARouteThatNeedsIdentityIsA401SayingWhy() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            for (cookie, code) in try staleCookies(pipeline) {
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: [.cookie: cookie], body: body(#"{"text":"hi"}"#)
                ) {
                    response in
                    #expect(response.status == .unauthorized)
                    let error = try errorBody(response)
                    #expect(error.code == code)
                }
            }
            try await client.execute(uri: "/api/echo", method: .post, body: body(#"{"text":"hi"}"#)) { response in
                let error = try errorBody(response)
                #expect(error.code == "unauthenticated")
            }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }

    /// Documented choice: a client that sends `Authorization` means it; a bad Bearer token is
    /// a 401 even where no identity is needed.
    @Test func aBadBearerTokenIsA401EvenOnARouteThatNeedsNoIdentity() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            try await client.execute(
                uri: "/notes", method: .post, headers: [.authorization: "Bearer stale"], body: body(#"{"text":"hi"}"#)
            ) {
                response in
                #expect(response.status == .unauthorized)
                let error = try errorBody(response)
                #expect(error.code == "invalid_session")
                #expect(response.headers[.setCookie] == nil)
            }
        }
    }
}

@Suite struct MethodNotAllowedTests {
    @Test func aWrongMethodOnAKnownPathIs405WithAllow() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String, String)] = [
                ("/api/echo", .get, "POST", "/api/echo"), ("/api/echo/7", .delete, "GET", "/api/echo/{id}"),
                ("/whoami", .post, "GET", "/whoami"), ("/notes", .put, "POST", "/notes"),
                ("/notes", .options, "POST", "/notes"),
            ]
            for (uri, method, allow, route) in cases {
                try await client.execute(uri: uri, method: method, headers: pipeline.bearer("ada")) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow)
                    let error = try errorBody(response)
                    #expect(error.code == "method_not_allowed")
                    #expect(error.route == route)
                }
            }
            try await client.execute(uri: "/nowhere", method: .put) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.allow] == nil)
            }
            // The right method still reaches its handler.
            try await client.execute(uri: "/whoami", method: .get) { #expect(String(buffer: $0.body) == "anonymous") }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }
}

@Suite struct ServerFaultLogTests {
    @Test func aServerFaultLogsItsTypeAndASafeSummaryNeverItsDescription() async throws {
        let pipeline = try TestPipeline()
        let router = pipeline.router()
        router.get("db") { _, _ -> String in
            throw DatabaseError(
                resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE constraint failed: users.email",
                sql: "INSERT INTO users (email, password) VALUES ('ada@example.com', 'hunter2')")
        }
        let logs = CapturedLogs()
        try await Application(router: router, logger: logs.logger()).test(.router) { client in
            for uri in ["/boom", "/db"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .internalServerError) }
            }
        }
        let failures = logs.lines.filter { $0.contains("request failed") }
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0.hasPrefix("error ") })
        #expect(!logs.lines.contains { $0.contains("hunter2") || $0.contains("INSERT") || $0.contains("SELECT") })
        #expect(failures[0].contains("SwitchyardPipelineTests.SecretLeak"))
        #expect(failures[1].contains("GRDB.DatabaseError") && failures[1].contains("SQLite error 19"))
    }
}
