import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SummariesAPI
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardStore
import SwitchyardTesting
import Testing

/// The summaries app with the given `[auth]` limits on `clock`, on a fresh database.
private func makeApp(auth: PipelineConfiguration.Auth = .init(), clock: MockClock) throws -> SummariesApp {
    var configuration = PipelineConfiguration()
    configuration.databasePath = try temporaryFolder("accounts").appendingPathComponent("summaries.sqlite").path
    configuration.auth = auth
    var logger = Logger(label: "accounts-test")
    logger.logLevel = .warning
    return try SummariesApp(
        configuration: configuration, sessionSecret: Array("a test secret that is at least 32 bytes".utf8), model: nil,
        bcryptCost: 4, rateLimitClock: clock, logger: logger)
}

private func credentials(_ email: String, _ password: String) -> ByteBuffer {
    ByteBuffer(string: #"{"email":\#(jsonString(email)),"password":\#(jsonString(password))}"#)
}

/// Generous limits, for tests about something else.
private let unlimited = PipelineConfiguration.Auth(
    loginsPerAddress: RateLimit(1000, per: .seconds(60)), failedLoginsPerAccount: RateLimit(1000, per: .seconds(60)),
    signupsPerAddress: RateLimit(1000, per: .seconds(60)))

@Suite struct AccountSecurityTests {
    let clock = MockClock()

    @Test func passwordsWithNULAreRefusedNotCut() async throws {
        let app = try makeApp(auth: unlimited, clock: clock)
        try await Application(router: app.router()).test(.router) { client in
            for (email, password) in [
                ("nuls@example.com", String(repeating: "\0", count: 8)), ("a@example.com", "a\0zzzzzzz"),
            ] {
                for route in ["/auth/signup", "/auth/login"] {
                    try await client.execute(uri: route, method: .post, body: credentials(email, password)) {
                        response in
                        #expect(response.status == .badRequest)
                        let error = try decode(APIErrorEnvelope.self, response).error
                        #expect(error.code == "invalid_password")
                        #expect(error.details?["field"] == "password")
                    }
                }
            }
            // "a\0zzzzzzz" did not become "a": no account has the empty or a cut password.
            let accounts = try await app.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM summaries_users")
            }
            #expect(accounts == 0)
        }
    }

    @Test func passwordsPast72BytesAreRefusedAtSignUpAndNeverMatchACutOne() async throws {
        let app = try makeApp(auth: unlimited, clock: clock)
        try await Application(router: app.router()).test(.router) { client in
            // 73 bytes of UTF-8 in 37 characters.
            let long = String(repeating: "é", count: 36) + "a"
            try await client.execute(uri: "/auth/signup", method: .post, body: credentials("long@example.com", long)) {
                response in
                #expect(response.status == .unprocessableContent)
                let error = try decode(APIErrorEnvelope.self, response).error
                #expect(error.code == "password_too_long")
                #expect(error.details == ["field": "password", "max_bytes": "72"])
            }
            let password = String(repeating: "x", count: 72)
            try await client.execute(uri: "/auth/signup", method: .post, body: credentials("max@example.com", password))
            {
                #expect($0.status == .created)
            }
            // bcrypt would read only the first 72 bytes of this one.
            try await client.execute(
                uri: "/auth/login", method: .post, body: credentials("max@example.com", password + "y")
            ) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/auth/login", method: .post, body: credentials("max@example.com", password))
            {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/auth/signup", method: .post, body: credentials("short@example.com", "seven77")
            ) { response in
                #expect(response.status == .unprocessableContent)
                let error = try decode(APIErrorEnvelope.self, response).error
                #expect(error.code == "weak_password")
            }
        }
    }

    @Test func emailsAreValidatedAsSentNotTrimmed() async throws {
        let app = try makeApp(auth: unlimited, clock: clock)
        let invalid = [
            "", "@", "a@b@c", "ada@example.com\n", " ada@example.com", "ada @example.com", "ada@example", "ada@",
            "@example.com",
            "ada@example..com", "ada@-example.com", "ada@example.com.", ".ada@example.com", "a..da@example.com",
            "a\u{200B}da@example.com",
            "a\u{0}da@example.com", "<ada>@example.com", "ada@exa_mple.com", "ada＠example.com@x.de",
            String(repeating: "a", count: 65) + "@example.com", "a@" + String(repeating: "b", count: 64) + ".com",
            "a@" + Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".") + ".com",
        ]
        try await Application(router: app.router()).test(.router) { client in
            for email in invalid {
                try await client.execute(uri: "/auth/signup", method: .post, body: credentials(email, "correct horse"))
                { response in
                    #expect(response.status == .unprocessableContent, "\(email.debugDescription)")
                    let error = try decode(APIErrorEnvelope.self, response).error
                    #expect(error.code == "invalid_email")
                    #expect(error.details?["field"] == "email")
                }
            }
            for email in [
                "ada@example.com", "ada.lovelace+summaries@mail.example.co.uk", "jürgen@bücher.de",
                "o'brien@x-y.example",
            ] {
                try await client.execute(uri: "/auth/signup", method: .post, body: credentials(email, "correct horse"))
                {
                    #expect($0.status == .created, "\(email)")
                }
            }
        }
    }

    @Test func caseVariantsAreOneAccount() async throws {
        let app = try makeApp(auth: unlimited, clock: clock)
        try await Application(router: app.router()).test(.router) { client in
            for (first, variants) in [
                ("Ada@Example.com", ["ada@example.com", "ADA@EXAMPLE.COM", "ＡＤＡ@ｅｘａｍｐｌｅ.com"]),
                ("STRASSE@x.de", ["straße@x.de", "Straße@X.DE"]),
                ("e\u{301}mile@x.de", ["\u{e9}mile@x.de", "\u{c9}MILE@x.de"]),
            ] {
                let account = try await client.execute(
                    uri: "/auth/signup", method: .post, body: credentials(first, "correct horse")
                ) {
                    #expect($0.status == .created)
                    return try decode(Token.self, $0).user_id
                }
                for variant in variants {
                    try await client.execute(
                        uri: "/auth/signup", method: .post, body: credentials(variant, "another horse")
                    ) {
                        #expect($0.status == .conflict, "\(variant)")
                    }
                    try await client.execute(
                        uri: "/auth/login", method: .post, body: credentials(variant, "correct horse")
                    ) { response in
                        #expect(response.status == .ok, "\(variant)")
                        let session = try decode(Token.self, response)
                        #expect(session.user_id == account)
                    }
                }
            }
        }
    }

    @Test func signUpsArePerAddressLimited() async throws {
        var auth = unlimited
        auth.signupsPerAddress = RateLimit(3, per: .seconds(3600))
        let app = try makeApp(auth: auth, clock: clock)
        try await Application(router: app.router()).test(.router) { client in
            for n in 0..<3 {
                try await client.execute(
                    uri: "/auth/signup", method: .post, body: credentials("user\(n)@example.com", "correct horse")
                ) {
                    #expect($0.status == .created)
                }
            }
            try await client.execute(
                uri: "/auth/signup", method: .post, body: credentials("user3@example.com", "correct horse")
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1200")
                let error = try decode(APIErrorEnvelope.self, response).error
                #expect(error.code == "rate_limited")
                #expect(error.details?["scope"] == "address")
            }
            clock.advance(by: .seconds(1200))
            try await client.execute(
                uri: "/auth/signup", method: .post, body: credentials("user3@example.com", "correct horse")
            ) {
                #expect($0.status == .created)
            }
        }
    }

    @Test func aLoginFloodIsRefusedBeforeAnyPasswordHash() async throws {
        var auth = unlimited
        auth.loginsPerAddress = RateLimit(10, per: .seconds(60))
        let app = try makeApp(auth: auth, clock: clock)
        try await Application(router: app.router()).test(.router) { client in
            func hashes() async throws -> Int {
                try await client.execute(uri: "/metrics", method: .get) { response in
                    let line = String(buffer: response.body).split(separator: "\n").first {
                        $0.hasPrefix("summaries_password_hashes_total ")
                    }
                    return try #require(line.flatMap { Int($0.split(separator: " ")[1]) })
                }
            }
            try await client.execute(
                uri: "/auth/signup", method: .post, body: credentials("ada@example.com", "correct horse")
            ) {
                #expect($0.status == .created)
            }
            #expect(try await hashes() == 1)
            for _ in 0..<10 {
                try await client.execute(
                    uri: "/auth/login", method: .post, body: credentials("ada@example.com", "wrong horse")
                ) {
                    #expect($0.status == .unauthorized)
                }
            }
            #expect(try await hashes() == 11)
            for _ in 0..<50 {
                try await client.execute(
                    uri: "/auth/login", method: .post, body: credentials("ada@example.com", "wrong horse")
                ) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] == "6")
                }
            }
            #expect(try await hashes() == 11)
        }
    }

    /// Over loopback on both IPv4 and IPv6 (a dual-stack socket on `::`), so the requests
    /// come from two addresses.
    @Test func failedLoginsAreLimitedPerAccountAndAddressSoNobodyLocksAnAccountOut() async throws {
        let auth = PipelineConfiguration.Auth(
            loginsPerAddress: RateLimit(8, per: .seconds(60)), failedLoginsPerAccount: RateLimit(5, per: .seconds(900)),
            signupsPerAddress: RateLimit(10, per: .seconds(3600)))
        let app = try makeApp(auth: auth, clock: clock)
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "accounts-test")
        logger.logLevel = .critical  // not the shutdown's complaints about cancellation
        let server = Application(
            router: app.router(), configuration: .init(address: .hostname("::", port: 0)),
            onServerRunning: { port.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup { group in
            group.addTask { try await server.runService(gracefulShutdownSignals: []) }
            let port = try #require(await ports.first { _ in true })
            try await TestClient.withClient(host: "127.0.0.1", port: port) { v4 in
                try await TestClient.withClient(host: "::1", port: port) { v6 in
                    func login(_ client: TestClient, _ email: String, _ password: String) async throws
                        -> TestClient.Response
                    {
                        try await client.post("/auth/login", body: credentials(email, password))
                    }
                    for email in ["ada@example.com", "bob@example.com"] {
                        #expect(
                            try await v4.post("/auth/signup", body: credentials(email, "correct horse")).status
                                == .created)
                    }
                    // Five failures for ada from the IPv4 address use up its tries at her account…
                    for _ in 0..<5 {
                        #expect(try await login(v4, "ada@example.com", "wrong horse").status == .unauthorized)
                    }
                    let refused = try await login(v4, "ada@example.com", "correct horse")
                    #expect(refused.status == .tooManyRequests)
                    #expect(refused.headers[.retryAfter] == "180")
                    let error = try JSONDecoder().decode(
                        APIErrorEnvelope.self, from: Data(try #require(refused.body).readableBytesView)
                    ).error
                    #expect(error.details?["scope"] == "account")
                    // …but do not lock her out: from another address her password works.
                    #expect(try await login(v6, "ada@example.com", "correct horse").status == .ok)
                    // Bob is another account.
                    #expect(try await login(v6, "bob@example.com", "correct horse").status == .ok)
                    // A flood from the IPv4 address uses up its 8 attempts a minute; IPv6 can
                    // still log in.
                    for _ in 0..<2 {
                        #expect(try await login(v4, "nobody@example.com", "wrong horse").status == .unauthorized)
                    }
                    let flooded = try await login(v4, "bob@example.com", "correct horse")
                    #expect(flooded.status == .tooManyRequests)
                    #expect(
                        try JSONDecoder().decode(
                            APIErrorEnvelope.self, from: Data(try #require(flooded.body).readableBytesView)
                        ).error.details?["scope"] == "address")
                    #expect(try await login(v6, "bob@example.com", "correct horse").status == .ok)
                    // One failure refills in 180 s; a success gives its attempt back.
                    clock.advance(by: .seconds(180))
                    #expect(try await login(v4, "ada@example.com", "correct horse").status == .ok)
                    #expect(try await login(v4, "ada@example.com", "correct horse").status == .ok)
                    #expect(try await login(v4, "ada@example.com", "wrong horse").status == .unauthorized)
                    #expect(try await login(v4, "ada@example.com", "correct horse").status == .tooManyRequests)
                }
            }
            group.cancelAll()
        }
    }
}
