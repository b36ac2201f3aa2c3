import Foundation
import Hummingbird
import SwitchyardLLM
import TOMLKit

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
/// refused with its key and line. Tables read elsewhere (`[llm]`) are named to ``parse(_:otherTables:)``.
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

        /// Reads `[auth]` from `root`, if there.
        fileprivate static func read(_ root: TOMLTable, _ reader: Reader) throws(ConfigurationError) -> Auth? {
            let known = Set(keys.flatMap { [$0, "\($0)_seconds"] })
            guard let table = try reader.table(root, "auth", known: known) else { return nil }
            var auth = Auth()
            let limits = [\Auth.loginsPerAddress, \Auth.failedLoginsPerAccount, \Auth.signupsPerAddress]
            for (key, limit) in zip(keys, limits) {
                let count = try reader.int(table, "auth.\(key)", in: 1...1_000_000) ?? auth[keyPath: limit].count
                let seconds = try reader.int(table, "auth.\(key)_seconds", in: 1...(7 * 86_400)).map {
                    Duration.seconds($0)
                }
                auth[keyPath: limit] = RateLimit(count, per: seconds ?? auth[keyPath: limit].period)
            }
            return auth
        }
    }

    public init() {}

    /// Reads the file at `path`; errors name it.
    public static func load(path: String, otherTables: Set<String> = ["llm"]) throws(ConfigurationError)
        -> PipelineConfiguration
    {
        let text = try read(path: path)
        do {
            return try parse(text, otherTables: otherTables)
        } catch {
            var error = error
            error.file = path
            throw error
        }
    }

    /// The text of the file at `path`, or an error saying plainly why it cannot be read.
    public static func read(path: String) throws(ConfigurationError) -> String {
        var isFolder: ObjCBool = false
        let problem: String
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            problem = "no such file"
        } else if isFolder.boolValue {
            problem = "it is a folder, not a file"
        } else if !FileManager.default.isReadableFile(atPath: path) {
            problem = "permission denied"
        } else if let data = FileManager.default.contents(atPath: path) {
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(
                    file: path, key: nil, message: "cannot read the configuration: it is not UTF-8 text")
            }
            return text
        } else {
            problem = "the read failed"
        }
        throw ConfigurationError(file: path, key: nil, message: "cannot read the configuration file: \(problem)")
    }

    /// The tables this type reads.
    public static let tables: Set<String> = ["server", "database", "session", "workers", "auth", "plans"]

    /// Parses the text of a `switchyard.toml`. `otherTables` are the tables other readers
    /// take from the same file (such as `[llm]`, read by `LLMSettings`); any table that is
    /// neither one of ``tables`` nor one of those is refused, as is any top-level key.
    public static func parse(_ text: String, otherTables: Set<String> = ["llm"]) throws(ConfigurationError)
        -> PipelineConfiguration
    {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(key: nil, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigurationError(key: nil, message: "\(error)")
        }
        let reader = Reader(text: text)
        var configuration = PipelineConfiguration()

        let known = tables.union(otherTables)
        for name in root.keys.sorted() where !known.contains(name) {
            guard root[name]?.table != nil else {
                throw reader.error(name, "unknown key outside any table; keys belong in a table such as [server]")
            }
            let guess = closest(to: name, in: known).map { " — did you mean [\($0)]?" } ?? ""
            throw reader.error(
                name, "unknown table [\(name)]; expected one of \(known.sorted().joined(separator: ", "))\(guess)")
        }

        if let server = try reader.table(root, "server", known: ["host", "port", "max_body_bytes", "body_limits"]) {
            if let host = try reader.string(server, "server.host") {
                guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
                    throw reader.error("server.host", "must be a host name or IP address, such as \"127.0.0.1\"")
                }
                configuration.server.host = host
            }
            if let port = try reader.int(server, "server.port", in: 1...65_535) { configuration.server.port = port }
            if let bytes = try reader.int(server, "server.max_body_bytes", in: 1...maxBodyBytes) {
                configuration.server.bodyLimits.standard = bytes
            }
            if let routes = try reader.table(server, "server.body_limits", known: nil, at: "body_limits") {
                for route in routes.keys.sorted() {
                    let key = "server.body_limits.\(route)"
                    guard route.hasPrefix("/") else {
                        throw reader.error(key, "must be a route template starting with /, such as \"/api/summaries\"")
                    }
                    guard let bytes = try reader.int(routes, key, in: 1...maxBodyBytes, at: route) else { continue }
                    configuration.server.bodyLimits[route: route] = bytes
                }
            }
        }
        if let database = try reader.table(root, "database", known: ["path"]) {
            if let path = try reader.string(database, "database.path") { configuration.databasePath = path }
        }
        if let session = try reader.table(root, "session", known: ["secret_env", "lifetime_seconds", "secret"]) {
            if session["secret"] != nil {
                throw reader.error(
                    "session.secret",
                    "secrets do not belong in files; name the environment variable that holds it with secret_env")
            }
            if let variable = try reader.string(session, "session.secret_env") {
                // A secret pasted here would be logged as the variable that is not set.
                guard isEnvironmentVariableName(variable) else {
                    throw reader.error(
                        "session.secret_env",
                        "must name the environment variable that holds the secret (upper-case letters, digits and _, "
                            + "such as SWITCHYARD_SESSION_SECRET), not the secret itself; the value is not repeated here"
                    )
                }
                configuration.session.secretVariable = variable
            }
            if let seconds = try reader.int(session, "session.lifetime_seconds", in: 60...(366 * 86_400)) {
                configuration.session.lifetime = .seconds(seconds)
            }
        }
        if let workers = try reader.table(
            root, "workers", known: ["concurrency", "max_attempts", "call_timeout_seconds", "model_timeout_seconds"])
        {
            if let n = try reader.int(workers, "workers.concurrency", in: 1...1024) {
                configuration.workers.concurrency = n
            }
            if let n = try reader.int(workers, "workers.max_attempts", in: 1...100) {
                configuration.workers.maxAttempts = n
            }
            if let n = try reader.int(workers, "workers.call_timeout_seconds", in: 1...3600) {
                configuration.workers.callTimeout = .seconds(n)
            }
            if let n = try reader.int(workers, "workers.model_timeout_seconds", in: 1...3600) {
                configuration.workers.modelTimeout = .seconds(n)
            }
        }
        if let auth = try Auth.read(root, reader) { configuration.auth = auth }
        if let plans = try reader.table(root, "plans", known: nil) {
            for name in plans.keys.sorted() {
                guard
                    let plan = try reader.table(
                        plans, "plans.\(name)", known: ["features", "limit", "period"], at: name)
                else { continue }
                let key = "plans.\(name)"
                guard let features = plan["features"] else {
                    throw reader.error(key, "a plan needs features = [\"...\"]")
                }
                guard let array = features.array, let names = Optional(array.compactMap(\.string)),
                    names.count == array.count
                else { throw reader.error("\(key).features", "must be an array of strings") }
                guard let units = try reader.int(plan, "\(key).limit", in: 0...Int(Int32.max)) else {
                    throw reader.error(key, "a plan needs limit = <units per period>")
                }
                var period = UsagePeriod.day
                if let text = try reader.string(plan, "\(key).period") {
                    guard let parsed = UsagePeriod(rawValue: text) else {
                        throw reader.error("\(key).period", "must be \"day\" or \"hour\", not \"\(text)\"")
                    }
                    period = parsed
                }
                configuration.plans[name] = Plan(
                    name: name, features: Set(names), limit: UsageLimit(units: units, period: period))
            }
        }
        return configuration
    }

    /// The largest body limit a file may set: 1 GiB.
    static let maxBodyBytes = 1 << 30

    /// Checks that every route named in ``Server/bodyLimits`` exists among `routes` (route
    /// templates, as `Router.routes` describes them), so a misspelt route is not silently
    /// ignored.
    public func checkBodyLimitRoutes(_ routes: some Sequence<String>) throws(ConfigurationError) {
        let known = Set(routes)
        for route in server.bodyLimits.routes.keys.sorted() where !known.contains(route) {
            let guess = Self.closest(to: route, in: known).map { " — did you mean \"\($0)\"?" } ?? ""
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

    /// The name in `names` within two edits of `name`, if exactly one is closest.
    static func closest(to name: String, in names: Set<String>) -> String? {
        let scored = names.map { ($0, editDistance(Array(name), Array($0))) }.filter { $0.1 <= 2 }
        guard let best = scored.map(\.1).min() else { return nil }
        let closest = scored.filter { $0.1 == best }
        return closest.count == 1 ? closest[0].0 : nil
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The session secret, from the variable named by ``Session/secretVariable``; `nil` when
    /// it is unset or empty.
    public func sessionSecret(environment: [String: String]) -> [UInt8]? {
        guard let value = environment[session.secretVariable], !value.isEmpty else { return nil }
        return Array(value.utf8)
    }
}

/// A bad configuration: the file, the key, the line when known, and what is wrong. Never the
/// value of a secret.
public struct ConfigurationError: Error, Hashable, CustomStringConvertible {
    /// The file read. Default `switchyard.toml`.
    public var file: String
    public var key: String?
    public var line: Int?
    public var message: String

    public init(file: String = "switchyard.toml", key: String?, line: Int? = nil, message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let line { place.append("line \(line)") }
        if let key { place.append(key) }
        return place.isEmpty ? "\(file): \(message)" : "\(file) (\(place.joined(separator: ", "))): \(message)"
    }
}

/// Typed reads with errors that name the key and its line.
private struct Reader {
    let lines: [Substring]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func error(_ key: String, _ message: String) -> ConfigurationError {
        ConfigurationError(key: key, line: line(of: key), message: message)
    }

    /// The line defining `key` (`a.b.c`: `c = ` under `[a.b]`, or the `[a.b.c]` header).
    func line(of key: String) -> Int? {
        let parts = key.split(separator: ".").map(String.init)
        let header = parts.joined(separator: ".")
        let table = parts.dropLast().joined(separator: ".")
        let leaf = parts.last ?? ""
        var section = ""
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                // `[a.b]  # comment`: the name between the brackets.
                let bracketed = line.prefix { $0 != "]" }
                section = bracketed.trimmingCharacters(in: CharacterSet(charactersIn: "[ "))
                if section == header { return index + 1 }
                continue
            }
            if section == table, let equals = line.firstIndex(of: "="),
                line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\"")) == leaf
            {
                return index + 1
            }
        }
        return nil
    }

    func table(_ parent: TOMLTable, _ key: String, known: Set<String>?, at name: String? = nil)
        throws(ConfigurationError)
        -> TOMLTable?
    {
        guard let value = parent[name ?? key] else { return nil }
        guard let table = value.table else { throw error(key, "must be a table ([\(key)])") }
        if let known {
            for child in table.keys.sorted() where !known.contains(child) {
                throw error(
                    "\(key).\(child)",
                    "unknown key; expected one of \(known.filter { $0 != "secret" }.sorted().joined(separator: ", "))")
            }
        }
        return table
    }

    func string(_ table: TOMLTable, _ key: String) throws(ConfigurationError) -> String? {
        guard let value = table[String(key.split(separator: ".").last!)] else { return nil }
        guard let string = value.string else { throw error(key, "must be a string") }
        return string
    }

    func int(_ table: TOMLTable, _ key: String, in range: ClosedRange<Int>, at name: String? = nil)
        throws(ConfigurationError) -> Int?
    {
        guard let value = table[name ?? String(key.split(separator: ".").last!)] else { return nil }
        guard let int = value.int else { throw error(key, "must be an integer") }
        guard range.contains(int) else {
            throw error(key, "must be between \(range.lowerBound) and \(range.upperBound), not \(int)")
        }
        return int
    }
}
