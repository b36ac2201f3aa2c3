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
import SwitchyardTesting
import Testing

func credentials(_ email: String, padding: Int = 0) -> ByteBuffer {
    ByteBuffer(string: #"{"email":"\#(email)","password":"correct horse\#(String(repeating: " ", count: padding))"}"#)
}

struct EnvelopeError: Decodable {
    struct Body: Decodable {
        var code: String
        var message: String
        var details: [String: String]?
    }

    var error: Body
}

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
                let error = try decode(EnvelopeError.self, response).error
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
                    "/api/summaries", [.authorization: "Bearer \(token)"],
                    ByteBuffer(string: #"{"text":"\#(String(repeating: "a", count: 300_000))"}"#), 262_144
                ),
                (
                    "/api/keywords", [.authorization: "Bearer \(token)"],
                    ByteBuffer(string: #"{"text":"\#(String(repeating: "a", count: 3 << 20))"}"#), 1 << 20
                ),
            ]
            for (uri, headers, body, limit) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    let error = try decode(EnvelopeError.self, response).error
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

/// Runs `summaries-api` with `arguments` in `folder` until it exits; its exit code and the
/// lines it wrote to standard error.
func runSummariesAPI(_ arguments: [String], in folder: URL) async throws -> (status: Int32, errors: [String]) {
    let process = Process()
    process.executableURL = try builtExecutable("summaries-api")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["SWITCHYARD_SESSION_SECRET"] = "a test secret that is at least 32 bytes"
    environment["ANTHROPIC_API_KEY"] = nil
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // The start-up errors are short: read to the end (the process exits), then reap it.
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init))
}

@Suite struct SummariesAPICommandTests {
    @Test func badStartUpSettingsAreClearErrorsNamingTheProblem() async throws {
        let folder = try temporaryFolder("summaries-cli")
        let misspelt = folder.appendingPathComponent("misspelt.toml")
        try "[sever]\nport = 9000\n".write(to: misspelt, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("app.sqlite").path
        let cases: [([String], Int32, String)] = [
            (["--port", "70000"], 64, "Error: --port must be between 1 and 65535, not 70000"),
            (["--port", "0"], 64, "Error: --port must be between 1 and 65535, not 0"),
            (["--config", "absent.toml"], 1, "Error: absent.toml: cannot read the configuration file: no such file"),
            (
                ["--config", misspelt.path], 1,
                "Error: \(misspelt.path) (line 1, sever): unknown table [sever]; expected one of auth, database, llm, plans, server, session, workers — did you mean [server]?"
            ),
            (
                ["--database", "\(folder.path)/absent/app.sqlite"], 1,
                "Error: command line (--database): cannot create \(folder.path)/absent/app.sqlite: the folder \(folder.path)/absent does not exist"
            ),
        ]
        for (arguments, status, line) in cases {
            let defaults = arguments.contains("--database") ? [] : ["--database", database]
            let run = try await runSummariesAPI(arguments + defaults, in: folder)
            #expect(run.status == status, "\(arguments)")
            #expect(run.errors.contains(line), "\(arguments): \(run.errors)")
        }
        // A file that is not SQLite, and a misspelt [llm] key: each named with its file.
        let notSQLite = folder.appendingPathComponent("notes.txt")
        try "not a database, just some text".write(to: notSQLite, atomically: true, encoding: .utf8)
        let run = try await runSummariesAPI(["--database", notSQLite.path], in: folder)
        #expect(
            run.status == 1
                && run.errors.contains("Error: cannot open the database \(notSQLite.path): file is not a database"),
            "\(run.errors)")
        let llmTypo = folder.appendingPathComponent("llm.toml")
        try "[llm]\nmodle = \"x\"\n".write(to: llmTypo, atomically: true, encoding: .utf8)
        let typo = try await runSummariesAPI(["--config", llmTypo.path, "--database", database], in: folder)
        #expect(
            typo.status == 1
                && typo.errors.contains {
                    $0.hasPrefix("Error: \(llmTypo.path) (line 2, llm.modle): unknown key")
                }, "\(typo.errors)")
    }

    @Test func aPortInUseIsNamedWithItsHostAndPort() async throws {
        let folder = try temporaryFolder("summaries-cli")
        let app = try makeApp()
        try await app.application(workers: false).test(.live) { client in
            let port = try #require(client.port)
            let run = try await runSummariesAPI(
                ["--port", "\(port)", "--database", folder.appendingPathComponent("app.sqlite").path], in: folder)
            #expect(run.status == 1)
            #expect(
                run.errors.contains(
                    "Error: cannot listen on 127.0.0.1:\(port): the port is in use (is another server running?); choose another with --port or server.port"
                ), "\(run.errors)")
        }
    }
}
