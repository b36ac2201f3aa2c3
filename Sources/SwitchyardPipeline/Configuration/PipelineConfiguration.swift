import Foundation
import Hummingbird
import SwitchyardConfiguration

/// A `switchyard.toml` (the wrangler.toml of Switchyard), read once at start.
///
/// ```toml
/// [server]
/// host = "127.0.0.1"
/// port = 8080                     # 1...65535
/// max_body_bytes = 2097152        # the body limit of every route without its own
///
/// [server.body_limits]            # by route template, in bytes
/// "/auth/login" = 4096
///
/// [database]
/// path = "app.sqlite"
///
/// [session]
/// secret_env = "SWITCHYARD_SESSION_SECRET"   # the variable holding the secret; never the secret
/// lifetime_seconds = 604800
///
/// [workers]
/// concurrency = 4
/// max_attempts = 5
/// call_timeout_seconds = 10
/// model_timeout_seconds = 30
///
/// [plans.free]
/// features = ["summaries"]
/// limit = 20          # units per period
/// period = "day"      # or "hour"
/// ```
///
/// Every table and key is checked: an unknown table or key, a wrong type or a bad value is
/// refused with its key and line. Tables read elsewhere (`[llm]`) are named to ``init(file:otherTables:)``.
public struct PipelineConfiguration: Sendable, Hashable {
    public struct Server: Sendable, Hashable {
        /// Default `127.0.0.1`.
        public var host = "127.0.0.1"
        /// Default 8080. A file or command line may give 1...65535; 0 (set in code, as tests
        /// do) asks the system for a free port.
        public var port = 8080
        /// Request body limits, per route. Default 2 MiB everywhere.
        public var bodyLimits = BodyLimits()
    }

    public struct Session: Sendable, Hashable {
        /// The environment variable holding the secret. Default `SWITCHYARD_SESSION_SECRET`.
        public var secretVariable = "SWITCHYARD_SESSION_SECRET"
        /// Default 7 days.
        public var lifetime: Duration = .seconds(7 * 24 * 3600)
    }

    public struct Workers: Sendable, Hashable {
        /// Jobs run at once per queue. Default 4.
        public var concurrency = 4
        /// Attempts before a job is `stuck`. Default 5.
        public var maxAttempts = 5
        /// How long a proxy awaits an in-process worker. Default 10 s.
        public var callTimeout: Duration = .seconds(10)
        /// How long a durable worker awaits a language model before it uses its fallback.
        /// Default 30 s.
        public var modelTimeout: Duration = .seconds(30)
    }

    public var server = Server()
    /// The SQLite file. Default `switchyard.sqlite`.
    public var databasePath = "switchyard.sqlite"
    public var session = Session()
    public var workers = Workers()
    /// By name. Default: none (every API call is refused as having no active plan).
    public var plans: [String: Plan] = [:]
    public var auth = Auth()

    /// The `[auth]` table: rate limits of the sign-up and log-in routes, each a count per a
    /// number of seconds (`logins_per_address = 10`, `logins_per_address_seconds = 60`).
    public struct Auth: Sendable, Hashable {
        /// Log-in attempts per client address. Default 10 a minute.
        public var loginsPerAddress: RateLimit
        /// Failed log-ins per account from each client address (so nobody can lock an account
        /// out for others). Default 5 per 15 minutes.
        public var failedLoginsPerAccount: RateLimit
        /// Sign-ups per client address. Default 5 an hour.
        public var signupsPerAddress: RateLimit

        public init(
            loginsPerAddress: RateLimit = RateLimit(10, per: .seconds(60)),
            failedLoginsPerAccount: RateLimit = RateLimit(5, per: .seconds(900)),
            signupsPerAddress: RateLimit = RateLimit(5, per: .seconds(3600))
        ) {
            self.loginsPerAddress = loginsPerAddress
            self.failedLoginsPerAccount = failedLoginsPerAccount
            self.signupsPerAddress = signupsPerAddress
        }

        static let keys = ["logins_per_address", "failed_logins_per_account", "signups_per_address"]

        /// Reads `[auth]` from `root`; `nil` if it is not there.
        init?(_ root: ConfigurationTable) throws(ConfigurationError) {
            let known = Set(Self.keys.flatMap { [$0, "\($0)_seconds"] })
            guard let table = try root.table("auth", known: known) else { return nil }
            self.init()
            let limits = [\Auth.loginsPerAddress, \Auth.failedLoginsPerAccount, \Auth.signupsPerAddress]
            for (key, limit) in zip(Self.keys, limits) {
                let count = try table.int(key, in: 1...1_000_000) ?? self[keyPath: limit].count
                let seconds = try table.int("\(key)_seconds", in: 1...(7 * 86_400)).map { Duration.seconds($0) }
                self[keyPath: limit] = RateLimit(count, per: seconds ?? self[keyPath: limit].period)
            }
        }
    }

    public init() {}

    /// Reads the file at `path`; errors name it.
    public static func load(path: String, otherTables: Set<String> = ["llm"]) throws(ConfigurationError)
        -> PipelineConfiguration
    {
        try PipelineConfiguration(file: ConfigurationFile.load(path: path), otherTables: otherTables)
    }

    /// The tables this type reads.
    public static let tables: Set<String> = ["server", "database", "session", "workers", "auth", "plans"]

    /// Parses the text of a `switchyard.toml`.
    public static func parse(_ text: String, otherTables: Set<String> = ["llm"]) throws(ConfigurationError)
        -> PipelineConfiguration
    {
        try PipelineConfiguration(file: ConfigurationFile(text: text), otherTables: otherTables)
    }

    /// Reads the Pipeline's tables of `file`. `otherTables` are the tables other readers take
    /// from the same file (such as `[llm]`, read by `LLMSettings`); any table that is neither
    /// one of ``tables`` nor one of those is refused, as is any top-level key.
    public init(file: ConfigurationFile, otherTables: Set<String> = ["llm"]) throws(ConfigurationError) {
        try file.checkTables(known: Self.tables.union(otherTables))
        let root = file.root
        if let server = try root.table("server", known: ["host", "port", "max_body_bytes", "body_limits"]) {
            if let host = try server.string("host") {
                guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
                    throw server.error("host", "must be a host name or IP address, such as \"127.0.0.1\"")
                }
                self.server.host = host
            }
            if let port = try server.int("port", in: 1...65_535) { self.server.port = port }
            if let bytes = try server.int("max_body_bytes", in: 1...Self.maxBodyBytes) {
                self.server.bodyLimits.standard = bytes
            }
            if let routes = try server.table("body_limits") {
                for route in routes.keys {
                    guard route.hasPrefix("/") else {
                        throw routes.error(
                            route, "must be a route template starting with /, such as \"/api/summaries\"")
                    }
                    guard let bytes = try routes.int(route, in: 1...Self.maxBodyBytes) else { continue }
                    self.server.bodyLimits[route: route] = bytes
                }
            }
        }
        if let database = try root.table("database", known: ["path"]) {
            if let path = try database.string("path") { databasePath = path }
        }
        let secretInFile = "secrets do not belong in files; name the environment variable that holds it with secret_env"
        if let session = try root.table(
            "session", known: ["secret_env", "lifetime_seconds"], refused: ["secret": secretInFile])
        {
            if let variable = try session.string("secret_env") {
                // A secret pasted here would be logged as the variable that is not set.
                guard isEnvironmentVariableName(variable) else {
                    throw session.error(
                        "secret_env",
                        "must name the environment variable that holds the secret (upper-case letters, digits and _, "
                            + "such as SWITCHYARD_SESSION_SECRET), not the secret itself; the value is not repeated here"
                    )
                }
                self.session.secretVariable = variable
            }
            if let seconds = try session.int("lifetime_seconds", in: 60...(366 * 86_400)) {
                self.session.lifetime = .seconds(seconds)
            }
        }
        if let workers = try root.table(
            "workers", known: ["concurrency", "max_attempts", "call_timeout_seconds", "model_timeout_seconds"])
        {
            if let count = try workers.int("concurrency", in: 1...1024) { self.workers.concurrency = count }
            if let count = try workers.int("max_attempts", in: 1...100) { self.workers.maxAttempts = count }
            if let seconds = try workers.int("call_timeout_seconds", in: 1...3600) {
                self.workers.callTimeout = .seconds(seconds)
            }
            if let seconds = try workers.int("model_timeout_seconds", in: 1...3600) {
                self.workers.modelTimeout = .seconds(seconds)
            }
        }
        if let auth = try Auth(root) { self.auth = auth }
        if let plans = try root.table("plans") {
            for name in plans.keys {
                guard let plan = try plans.table(name, known: ["features", "limit", "period"]) else { continue }
                guard let features = try plan.strings("features") else {
                    throw plans.error(name, "a plan needs features = [\"...\"]")
                }
                guard let units = try plan.int("limit", in: 0...Int(Int32.max)) else {
                    throw plans.error(name, "a plan needs limit = <units per period>")
                }
                var period = UsagePeriod.day
                if let text = try plan.string("period") {
                    guard let parsed = UsagePeriod(rawValue: text) else {
                        throw plan.error("period", "must be \"day\" or \"hour\", not \"\(text)\"")
                    }
                    period = parsed
                }
                self.plans[name] = Plan(
                    name: name, features: Set(features), limit: UsageLimit(units: units, period: period))
            }
        }
    }

    /// The largest body limit a file may set: 1 GiB.
    static let maxBodyBytes = 1 << 30

    /// Checks that every route named in ``Server/bodyLimits`` exists among `routes` (route
    /// templates, as `Router.routes` describes them), so a misspelt route is not silently
    /// ignored.
    public func checkBodyLimitRoutes(_ routes: some Sequence<String>) throws(ConfigurationError) {
        let known = Set(routes)
        for route in server.bodyLimits.routes.keys.sorted() where !known.contains(route) {
            let guess = closestName(to: route, in: known).map { " — did you mean \"\($0)\"?" } ?? ""
            throw ConfigurationError(key: "server.body_limits.\(route)", message: "no such route\(guess)")
        }
    }

    /// Checks that the SQLite file at ``databasePath`` can be opened or created, with an error
    /// saying why not; `key` names where the path came from (`database.path`, `--database`).
    public func checkDatabasePath(key: String = "database.path") throws(ConfigurationError) {
        let path = databasePath
        guard !path.isEmpty else { throw ConfigurationError(key: key, message: "must name a file") }
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue {
                throw ConfigurationError(key: key, message: "\(path) is a folder; name the SQLite file in it")
            }
            guard manager.isWritableFile(atPath: path) else {
                throw ConfigurationError(key: key, message: "cannot write \(path): permission denied")
            }
            return
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigurationError(key: key, message: "cannot create \(path): the folder \(folder) does not exist")
        }
        guard manager.isWritableFile(atPath: folder) else {
            throw ConfigurationError(key: key, message: "cannot create \(path): the folder \(folder) is not writable")
        }
    }

    /// The session secret, from the variable named by ``Session/secretVariable``; `nil` when
    /// it is unset or empty.
    public func sessionSecret(environment: [String: String]) -> [UInt8]? {
        guard let value = environment[session.secretVariable], !value.isEmpty else { return nil }
        return Array(value.utf8)
    }
}
