/// The files of a Pipeline app (besides ``Templates/common(_:track:switchyardPath:)``).
enum PipelineTemplates {
    static func files(_ names: NewApp.Names, switchyardPath: String) -> [NewApp.File] {
        [
            NewApp.File(path: "Package.swift", contents: package(names, switchyardPath: switchyardPath)),
            NewApp.File(path: "Sources/\(names.module)/Application.swift", contents: application(names)),
            NewApp.File(path: "Sources/\(names.module)/Accounts.swift", contents: accounts(names)),
            NewApp.File(path: "Sources/\(names.module)/AccountErrors.swift", contents: accountErrors),
            NewApp.File(path: "Sources/\(names.executableTarget)/main.swift", contents: main(names)),
            NewApp.File(path: "Tests/\(names.tests)/ApplicationTests.swift", contents: tests(names)),
            NewApp.File(path: "switchyard.toml", contents: configuration(names)),
        ]
    }

    /// The anchors of `Application.swift`, in order (`config` is `switchyard.toml`'s).
    static let anchors = ["schema", "utilities", "workers-and-proxies", "middleware"]

    static func package(_ names: NewApp.Names, switchyardPath: String) -> String {
        Templates.packageHeader + """

            let package = Package(
                name: "\(names.module)",
                platforms: [.macOS(.v15)],
                products: [
                    .library(name: "\(names.module)", targets: ["\(names.module)"]),
                    .executable(name: "\(names.executable)", targets: ["\(names.executableTarget)"]),
                ],
                dependencies: [
                    // Switchyard, by its path relative to this folder: move both together, or change the path.
                    .package(name: "Switchyard", path: \(Templates.swiftString(switchyardPath))),
                    \(Templates.swiftLog),
                    \(Templates.serviceLifecycle),
                    \(Templates.hummingbird),
                    \(Templates.hummingbirdAuth),
                    \(Templates.httpTypes),
                    \(Templates.grdb),
                    \(Templates.nio),
                ],
                targets: [
                    // The app: its HTTP backend (Application.swift), accounts, and the features `switchyard build` adds.
                    .target(
                        name: "\(names.module)",
                        dependencies: [
                            .product(name: "SwitchyardJobs", package: "Switchyard"),
                            .product(name: "SwitchyardModel", package: "Switchyard"),
                            .product(name: "SwitchyardPipeline", package: "Switchyard"),
                            .product(name: "SwitchyardPlaceholder", package: "Switchyard"),
                            .product(name: "SwitchyardStore", package: "Switchyard"),
                            .product(name: "GRDB", package: "GRDB.swift"),
                            .product(name: "HTTPTypes", package: "swift-http-types"),
                            .product(name: "Hummingbird", package: "hummingbird"),
                            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                            .product(name: "Logging", package: "swift-log"),
                            .product(name: "NIOCore", package: "swift-nio"),
                            .product(name: "NIOPosix", package: "swift-nio"),
                            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                        ],
                        swiftSettings: upcoming
                    ),
                    // `swift run \(names.executable)`: serves the API until stopped.
                    .executableTarget(
                        name: "\(names.executableTarget)",
                        dependencies: [
                            "\(names.module)",
                            .product(name: "SwitchyardConfiguration", package: "Switchyard"),
                            .product(name: "SwitchyardLLM", package: "Switchyard"),
                            .product(name: "SwitchyardModel", package: "Switchyard"),
                            .product(name: "SwitchyardPipeline", package: "Switchyard"),
                            .product(name: "Logging", package: "swift-log"),
                            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                        ],
                        swiftSettings: upcoming
                    ),
                    .testTarget(
                        name: "\(names.tests)",
                        dependencies: [
                            "\(names.module)",
                            .product(name: "SwitchyardPipeline", package: "Switchyard"),
                            .product(name: "HTTPTypes", package: "swift-http-types"),
                            .product(name: "Hummingbird", package: "hummingbird"),
                            .product(name: "HummingbirdTesting", package: "hummingbird"),
                            .product(name: "Logging", package: "swift-log"),
                            .product(name: "NIOCore", package: "swift-nio"),
                        ],
                        swiftSettings: upcoming
                    ),
                ],
                swiftLanguageModes: [.v6]
            )

            """
    }

    static func application(_ names: NewApp.Names) -> String {
        """
        // Shared with `switchyard build`: each feature's entries sit between its
        // `switchyard:begin`/`switchyard:end` markers, inserted before the stage's anchor.
        // Code outside the markers is yours.
        import Foundation
        import Hummingbird
        import Logging
        import ServiceLifecycle
        import SwitchyardJobs
        import SwitchyardModel
        import SwitchyardPipeline
        import SwitchyardStore

        /// The app's HTTP backend on one SQLite file: the schema, accounts (sign-up and log-in),
        /// the API group behind the session, subscription and usage-limit layers, `GET /health`,
        /// and the features' routes and workers.
        ///
        /// - `POST /auth/signup`, `POST /auth/login`: accounts, a session token back; rate limited
        ///   per client address (`[auth]`).
        /// - `GET /health`: 200 when the database answers.
        /// - `/api/…`: the features' routes, for callers with a session and an active plan.
        public struct Backend: Sendable {
            public let configuration: PipelineConfiguration
            public let database: SQLiteDatabase
            /// One group commit for every request-path write: usage counts and enqueues.
            public let writer: GroupCommit
            public let jobs: SQLiteJobStore
            public let meter: UsageMeter
            public let subscriptions: SQLitePlanSubscriptionStore
            public let signer: SessionSigner
            public let accounts: Accounts
            /// The model of the features' workers; `nil` runs them on their fallbacks.
            public let model: (any LanguageModel)?
            /// Per client address: log-in attempts, and sign-ups (`[auth]`).
            let loginsPerAddress: RateLimiter
            let signupsPerAddress: RateLimiter
            let logger: Logger

            /// Opens the database and brings its schema up to date.
            /// - Parameters:
            ///   - sessionSecret: at least 32 bytes.
            ///   - bcryptCost: 2^cost rounds of password hashing; 10 by default (tests use less).
            public init(
                configuration: PipelineConfiguration, sessionSecret: [UInt8], model: (any LanguageModel)?,
                bcryptCost: UInt8 = 10, now: @escaping @Sendable () -> Date = Date.init, logger: Logger
            ) throws {
                self.configuration = configuration
                self.database = try SQLiteDatabase(path: configuration.databasePath)
                self.writer = GroupCommit(database: database)
                self.jobs = try SQLiteJobStore(database: database, writer: writer, now: now)
                self.meter = try UsageMeter(database: database, writer: writer, now: now)
                self.subscriptions = try SQLitePlanSubscriptionStore(database: database, now: now)
                self.signer = try SessionSigner(secret: sessionSecret, lifetime: configuration.session.lifetime, now: now)
                let auth = configuration.auth
                self.loginsPerAddress = RateLimiter(auth.loginsPerAddress, clock: ContinuousClock())
                self.signupsPerAddress = RateLimiter(auth.signupsPerAddress, clock: ContinuousClock())
                var migrations: [Migration] = []
                migrations.append(contentsOf: Accounts.migrations)
                // switchyard:anchor schema
                try database.migrate(migrations)
                self.accounts = Accounts(
                    database: database, subscriptions: subscriptions, signer: signer, bcryptCost: bcryptCost,
                    failedLogins: RateLimiter(auth.failedLoginsPerAccount, clock: ContinuousClock()))
                self.model = model
                self.logger = logger
            }

            /// The HTTP server, with the features' workers as services beside it.
            public func application() -> some ApplicationProtocol {
                // HEAD on every GET route; other methods on a known path: 405.
                let router = Router(context: PipelineContext.self, options: .autoGenerateHeadEndpoints)
                // Route metrics go to swift-metrics' global backend (bootstrap one in main.swift).
                router.addRootMiddleware(
                    sessions: signer, metrics: nil, bodyLimits: configuration.server.bodyLimits)
                router.addHealthRoute(database: database)
                addAccountRoutes(to: router)
                var services: [any Service] = []
                services.append(IdempotencyKeyPruner(meter: meter))
                // Every costed route is a thin proxy: it counts its request in the write that
                // forwards it. A feature's routes go in their own group, behind
                // `FeatureAccessMiddleware(feature, plans: configuration.plans)`; its durable workers
                // run as `WorkerPool(worker, store: jobs, configuration: .init(concurrency:
                // configuration.workers.concurrency), logger: logger)` in `services`.
                let api = router.apiGroup(
                    subscriptions: subscriptions, plans: configuration.plans, meter: meter, charging: .byProxy)
                // switchyard:anchor utilities
                // switchyard:anchor workers-and-proxies
                // switchyard:anchor middleware
                _ = api
                router.addMethodNotAllowedResponses()
                return Application(
                    router: router,
                    configuration: .init(
                        address: .hostname(configuration.server.host, port: configuration.server.port),
                        serverName: "\(names.executable)"),
                    services: services,
                    logger: logger)
            }

            /// `POST /auth/signup` and `POST /auth/login`. The per-address limits run first: a
            /// refused request costs no decoding and no hash.
            func addAccountRoutes(to router: Router<PipelineContext>) {
                struct Credentials: Decodable {
                    var email: String
                    var password: String
                }
                let accounts = self.accounts
                let lifetime = Int(configuration.session.lifetime.components.seconds)
                let auth = router.group("auth")
                auth.group("signup").add(middleware: RateLimitMiddleware(perClientAddress: signupsPerAddress)).post {
                    request, context in
                    let credentials = try await decodeJSONBody(Credentials.self, from: request, context: context)
                    return EditedResponse(
                        status: .created,
                        response: try await accounts.signUp(email: credentials.email, password: credentials.password))
                }
                auth.group("login").add(middleware: RateLimitMiddleware(perClientAddress: loginsPerAddress)).post {
                    request, context -> Response in
                    let credentials = try await decodeJSONBody(Credentials.self, from: request, context: context)
                    let session = try await accounts.logIn(
                        email: credentials.email, password: credentials.password,
                        clientAddress: clientAddressKey(context.remoteAddress))
                    var response = try context.responseEncoder.encode(session, from: request, context: context)
                    response.setCookie(
                        .init(
                            name: "session", value: session.token, maxAge: lifetime, path: "/", secure: false,
                            httpOnly: true, sameSite: .lax))
                    return response
                }
            }
        }

        /// A session is the body of a sign-up or log-in response.
        extension Accounts.Session: ResponseEncodable {}

        """
    }

    static func accounts(_ names: NewApp.Names) -> String {
        #"""
        import Foundation
        import GRDB
        import HummingbirdBcrypt
        import NIOPosix
        import SwitchyardPipeline
        import SwitchyardStore

        /// Sign-up and log-in: bcrypt password hashes, a `free` subscription for every new account,
        /// and a session token on success.
        ///
        /// **Emails** are taken as sent (never trimmed) and keyed by their NFKC case-folded form, so
        /// `Ada@Example.com` and `ada@example.com` are one account. **Passwords** are 8 characters to
        /// 72 bytes of UTF-8 (bcrypt's limit) without NUL. **Failed log-ins** are limited per account
        /// and client address, before any hash is run.
        public final class Accounts: Sendable {
            let database: SQLiteDatabase
            let subscriptions: SQLitePlanSubscriptionStore
            let signer: SessionSigner
            let bcryptCost: UInt8
            let failedLogins: RateLimiter

            public static let migrations = [
                Migration(
                    name: "accounts_001_users",
                    sql: """
                        CREATE TABLE users (
                            id TEXT PRIMARY KEY,
                            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                            password_hash TEXT NOT NULL,
                            created_at REAL NOT NULL
                        );
                        """)
            ]

            enum SQL {
                static let insert = "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)"
                static let byEmail = "SELECT id, password_hash FROM users WHERE email = ?"
            }

            /// - Precondition: ``migrations`` ran on `database`.
            public init(
                database: SQLiteDatabase, subscriptions: SQLitePlanSubscriptionStore, signer: SessionSigner,
                bcryptCost: UInt8 = 10,
                failedLogins: RateLimiter = RateLimiter(RateLimit(5, per: .seconds(900)), clock: ContinuousClock())
            ) {
                self.database = database
                self.subscriptions = subscriptions
                self.signer = signer
                self.bcryptCost = bcryptCost
                self.failedLogins = failedLogins
            }

            public struct Session: Codable, Sendable {
                public var userID: String
                public var token: String
                public var plan: String?
            }

            /// A new account on the `free` plan.
            public func signUp(email: String, password: String) async throws -> Session {
                let email = try Self.accountKey(email: email)
                try Self.checkNoNUL(password)
                guard password.count >= Self.minimumPasswordLength else {
                    throw APIError.weakPassword(minimumLength: Self.minimumPasswordLength)
                }
                guard password.utf8.count <= Self.maximumPasswordBytes else {
                    throw APIError.passwordTooLong(maximumBytes: Self.maximumPasswordBytes)
                }
                let cost = bcryptCost
                // bcrypt is deliberately slow: off the cooperative pool.
                let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
                let id = UUID().uuidString.lowercased()
                do {
                    try await database.pool.write { db in
                        try db.execute(sql: SQL.insert, arguments: [id, email, hash, Date().timeIntervalSince1970])
                        try self.subscriptions.set(PlanSubscription(plan: "free", status: .active), for: id, in: db)
                    }
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw APIError.emailTaken()
                }
                return Session(userID: id, token: signer.issue(subject: id), plan: "free")
            }

            /// A session for the account with these credentials.
            /// - Parameter clientAddress: where the attempt comes from (`clientAddressKey(_:)`), for
            ///   the failed log-in limit.
            public func logIn(email: String, password: String, clientAddress: String = "local") async throws -> Session {
                let email = try Self.accountKey(email: email)
                try Self.checkNoNUL(password)
                // Before the hash: a refused attempt costs no bcrypt.
                let attempts = email + " " + clientAddress
                try failedLogins.acquire(attempts, scope: "account")
                let invalid = APIError.invalidCredentials()
                guard password.utf8.count <= Self.maximumPasswordBytes else { throw invalid }
                let account = try await database.pool.read { db -> (id: String, hash: String)? in
                    try Row.fetchOne(db, sql: SQL.byEmail, arguments: [email]).map { ($0[0], $0[1]) }
                }
                let hash = account?.hash ?? Self.dummyHash
                let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
                guard let id = account?.id, matches else { throw invalid }
                failedLogins.release(attempts)
                return Session(userID: id, token: signer.issue(subject: id), plan: nil)
            }

            static let minimumPasswordLength = 8
            /// bcrypt's limit.
            static let maximumPasswordBytes = 72

            private static func checkNoNUL(_ password: String) throws(APIError) {
                guard !password.utf8.contains(0) else { throw APIError.invalidPassword() }
            }

            /// The account key of `email`, or why it is not an email.
            static func accountKey(email raw: String) throws(APIError) -> String {
                // Bounded before normalising, which may lengthen it.
                guard raw.utf8.count <= 254 else { throw APIError.invalidEmail("is longer than 254 bytes") }
                let email = raw.precomposedStringWithCompatibilityMapping.folding(options: .caseInsensitive, locale: nil)
                    .precomposedStringWithCompatibilityMapping
                guard !email.isEmpty else { throw APIError.invalidEmail("is empty") }
                guard email.utf8.count <= 254 else { throw APIError.invalidEmail("is longer than 254 bytes") }
                guard !email.unicodeScalars.contains(where: Self.isInvisible) else {
                    throw APIError.invalidEmail("must not contain whitespace, line breaks or control characters")
                }
                let parts = email.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw APIError.invalidEmail("must contain exactly one @") }
                let (local, domain) = (parts[0], parts[1])
                guard !local.isEmpty, local.utf8.count <= 64 else {
                    throw APIError.invalidEmail("needs a local part of 1 to 64 bytes before the @")
                }
                guard !local.contains(where: { #""(),:;<>[\]"#.contains($0) }) else {
                    throw APIError.invalidEmail(#"must not contain any of "(),:;<>[\] before the @"#)
                }
                guard local.first != ".", local.last != ".", !local.contains("..") else {
                    throw APIError.invalidEmail("must not start or end its local part with a dot or have two dots in a row")
                }
                let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
                guard labels.count >= 2,
                    labels.allSatisfy({ label in
                        (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                            && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
                    })
                else {
                    throw APIError.invalidEmail(
                        "needs a domain such as example.com: labels of letters, digits and inner hyphens, between dots")
                }
                return email
            }

            /// Whitespace, line breaks, control and format characters (such as zero-width spaces).
            private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
                if scalar.properties.isWhitespace { return true }
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: return true
                default: return false
                }
            }

            /// Verified against when the email is unknown, so the reply takes as long as a wrong
            /// password's and does not reveal which accounts exist.
            private static let dummyHash = Bcrypt.hash("not a password", cost: 10)
        }

        """#
    }

    static let accountErrors = """
        import HTTPTypes
        import SwitchyardPipeline

        // The error codes of sign-up and log-in, declared once, and their errors.

        extension APIError.Code {
            static let weakPassword = Self("weak_password")
            static let passwordTooLong = Self("password_too_long")
            static let invalidPassword = Self("invalid_password")
            static let invalidEmail = Self("invalid_email")
            static let emailTaken = Self("email_taken")
            static let invalidCredentials = Self("invalid_credentials")
        }

        extension APIError {
            /// 422: the password is shorter than `minimumLength` characters.
            static func weakPassword(minimumLength: Int, file: String = #fileID, line: Int = #line) -> APIError {
                APIError(
                    .unprocessableContent, code: .weakPassword,
                    message: "`password` must be at least \\(minimumLength) characters",
                    hint: "use a longer passphrase", details: ["field": "password"], file: file, line: line)
            }

            /// 422: the password is longer than bcrypt reads.
            static func passwordTooLong(maximumBytes: Int, file: String = #fileID, line: Int = #line) -> APIError {
                APIError(
                    .unprocessableContent, code: .passwordTooLong,
                    message: "`password` must be at most \\(maximumBytes) bytes of UTF-8 (bcrypt reads no further)",
                    hint: "use a shorter passphrase",
                    details: ["field": "password", "max_bytes": "\\(maximumBytes)"], file: file, line: line)
            }

            /// 400: the password holds a NUL character, where bcrypt would end it.
            static func invalidPassword(file: String = #fileID, line: Int = #line) -> APIError {
                APIError(
                    .badRequest, code: .invalidPassword, message: "`password` must not contain a NUL character",
                    hint: "bcrypt would end the password there", details: ["field": "password"], file: file, line: line)
            }

            /// 422: the email is not an address, and why (`problem` follows "`email` ").
            static func invalidEmail(_ problem: String, file: String = #fileID, line: Int = #line) -> APIError {
                APIError(
                    .unprocessableContent, code: .invalidEmail, message: "`email` \\(problem)",
                    hint: "send an address such as ada@example.com", details: ["field": "email"], file: file, line: line)
            }

            /// 409: an account with the email exists.
            static func emailTaken(file: String = #fileID, line: Int = #line) -> APIError {
                APIError(
                    .conflict, code: .emailTaken, message: "an account with that email exists", hint: "log in instead",
                    file: file, line: line)
            }

            /// 401: wrong email or password (the same answer for both).
            static func invalidCredentials(file: String = #fileID, line: Int = #line) -> APIError {
                APIError(.unauthorized, code: .invalidCredentials, message: "wrong email or password", file: file, line: line)
            }
        }

        """

    static func main(_ names: NewApp.Names) -> String {
        """
        import Foundation
        import Logging
        import ServiceLifecycle
        import SwitchyardConfiguration
        import SwitchyardLLM
        import SwitchyardModel
        import SwitchyardPipeline
        import UnixSignals
        import \(names.module)

        // `\(names.executable) [--config FILE] [--seconds N]`: serves the API until SIGINT (Ctrl-C) or
        // SIGTERM stops it gracefully, or for N seconds (a smoke run). FILE defaults to
        // ./switchyard.toml; its [llm] table (and the SWITCHYARD_LLM_* variables) choose the model.

        LoggingSystem.bootstrap(StreamLogHandler.standardError)

        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("error: \\(message)\\n".utf8))
            exit(2)
        }

        var configPath = "switchyard.toml"
        var seconds: Double?
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            switch argument {
            case "--config":
                guard let path = arguments.popFirst() else { fail("--config needs a file") }
                configPath = path
            case "--seconds":
                guard let text = arguments.popFirst(), let value = Double(text), value.isFinite, value > 0 else {
                    fail("--seconds needs a positive number of seconds")
                }
                seconds = value
            case "--help", "-h":
                print("usage: \(names.executable) [--config FILE] [--seconds N]")
                exit(0)
            default:
                fail("unknown argument \\"\\(argument)\\"; usage: \(names.executable) [--config FILE] [--seconds N]")
            }
        }

        let logger = Logger(label: "\(names.executable)")
        let environment = ProcessInfo.processInfo.environment
        let backend: Backend
        do {
            let file = try ConfigurationFile.load(path: configPath)
            let configuration = try PipelineConfiguration(file: file, otherTables: ["llm", "check", "build"])
            try configuration.checkDatabasePath()
            var secret = configuration.sessionSecret(environment: environment) ?? []
            if secret.isEmpty {
                logger.warning(
                    "\\(configuration.session.secretVariable) is not set: using a random session secret, so sessions end when the server stops"
                )
                secret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
            }
            let model = try LLMSettings(file: file).overridden(by: LLMSettings.environment(environment))
                .makeModel(environment: environment, logger: logger)
            backend = try Backend(configuration: configuration, sessionSecret: secret, model: model, logger: logger)
            logger.notice(
                "\(names.executable) starting on http://\\(configuration.server.host):\\(configuration.server.port), database \\(configuration.databasePath)"
            )
        } catch {
            fail("\\(error)")
        }

        let group = ServiceGroup(
            configuration: .init(
                services: [backend.application()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await run(group, seconds: seconds)
        } catch {
            logger.error("the server failed: \\(error)")
            exit(1)
        }

        /// Runs `group` until it stops, stopping it gracefully after `seconds` if given.
        func run(_ group: ServiceGroup, seconds: Double?) async throws {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return true
                }
                if let seconds {
                    tasks.addTask {
                        try? await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded())))
                        if !Task.isCancelled { await group.triggerGracefulShutdown() }
                        return false
                    }
                }
                // Once the group has stopped, the timer is no longer needed.
                while let stopped = try await tasks.next() {
                    if stopped { tasks.cancelAll() }
                }
            }
        }

        """
    }

    static func tests(_ names: NewApp.Names) -> String {
        """
        import Foundation
        import HTTPTypes
        import Hummingbird
        import HummingbirdTesting
        import Logging
        import NIOCore
        import SwitchyardPipeline
        import Testing
        import \(names.module)

        @Suite struct ApplicationTests {
            @Test func healthAnswersAndAnAccountSignsUpAndLogsIn() async throws {
                let folder = FileManager.default.temporaryDirectory.appending(path: "\(names.executable)-\\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                var configuration = try PipelineConfiguration.parse(
                    \"\"\"
                    [session]
                    lifetime_seconds = 3600
                    \"\"\"
                )
                configuration.databasePath = folder.appending(path: "\(names.executable).sqlite").path
                let backend = try Backend(
                    configuration: configuration, sessionSecret: Array(repeating: 7, count: 32), model: nil,
                    bcryptCost: 4, logger: Logger(label: "\(names.executable).tests"))
                try await backend.application().test(.router) { client in
                    try await client.execute(uri: "/health", method: .get) { response in
                        #expect(response.status == .ok)
                    }
                    let credentials = ByteBuffer(string: #"{"email":"ada@example.com","password":"correct horse"}"#)
                    let json: HTTPFields = [.contentType: "application/json"]
                    try await client.execute(uri: "/auth/signup", method: .post, headers: json, body: credentials) {
                        response in
                        #expect(response.status == .created)
                    }
                    try await client.execute(uri: "/auth/login", method: .post, headers: json, body: credentials) {
                        response in
                        #expect(response.status == .ok)
                    }
                }
            }
        }

        """
    }

    static func configuration(_ names: NewApp.Names) -> String {
        """
        # \(names.module)'s configuration, read at start (`\(names.executable) --config FILE`). Shared with
        # `switchyard build`: features' tables sit between their `switchyard:begin`/`switchyard:end`
        # markers; everything else is yours.

        [server]
        host = "127.0.0.1"
        port = 8080                  # 1...65535
        max_body_bytes = 1048576     # the request body limit of every route without its own

        [server.body_limits]         # by route template; a larger body is a 413 naming the limit
        "/auth/signup" = 4096
        "/auth/login" = 4096

        [database]
        path = "\(names.executable).sqlite"

        [session]
        secret_env = "SWITCHYARD_SESSION_SECRET"   # the variable holding the secret (32+ bytes); never the secret itself
        lifetime_seconds = 604800

        [workers]
        concurrency = 4
        max_attempts = 5
        call_timeout_seconds = 10    # how long a proxy awaits an in-process worker
        model_timeout_seconds = 30   # how long a durable worker awaits the model before its fallback

        [check]
        # Rule severities of `switchyard check` go here.

        # A model for the features' workers (else they use their fallbacks):
        # [llm]
        # provider = "anthropic"            # or "openai" (any OpenAI-compatible server)
        # model = "claude-3-5-haiku-20241022"
        # api_key_env = "ANTHROPIC_API_KEY" # the variable that holds the key; never the key itself

        # A model for `switchyard build` to write the logic a plan states in prose (else placeholders):
        # [build.llm]
        # provider = "anthropic"
        # api_key_env = "ANTHROPIC_API_KEY"

        # Plans: features add their [plans.*] tables here.
        # switchyard:anchor config

        """
    }
}
