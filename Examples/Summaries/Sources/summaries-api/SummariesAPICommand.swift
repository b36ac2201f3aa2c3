import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import SummariesAPI
import SwitchyardConfiguration
import SwitchyardLLM
import SwitchyardModel
import SwitchyardPipeline
import UnixSignals

/// Runs the summaries API on one SQLite file.
@main
struct SummariesAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summaries-api",
        abstract: "The summaries SaaS API: sessions, plans, usage limits, durable workers, on SQLite.")

    @Option(help: "The switchyard.toml to read (default: ./switchyard.toml when present, else built-in defaults).")
    var config: String?

    @Option(help: "Overrides server.port (1...65535).")
    var port: Int?

    @Option(help: "Overrides database.path.")
    var database: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Flag(help: "Serve the API only; jobs wait for a worker process (summaries-api --workers-only).")
    var noWorkers = false

    @Flag(help: "Run the workers only, no HTTP server.")
    var workersOnly = false

    func validate() throws {
        if let port, !(1...65_535).contains(port) {
            throw ValidationError("--port must be between 1 and 65535, not \(port)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level must be one of trace, debug, info, notice, warning, error, critical, not \(logLevel)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "summaries")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let path = config ?? (FileManager.default.fileExists(atPath: "switchyard.toml") ? "switchyard.toml" : nil)
        // One read of the file: the Pipeline's tables and [llm] come from the same parse.
        let file = try path.map { path throws(ConfigurationError) in try ConfigurationFile.load(path: path) }
        var settings =
            try file.map { file throws(ConfigurationError) in try PipelineConfiguration(file: file) }
            ?? PipelineConfiguration()
        if let port { settings.server.port = port }
        if let database { settings.databasePath = database }
        do {
            try settings.checkDatabasePath(key: database == nil ? "database.path" : "--database")
        } catch {
            var error = error
            error.file = database == nil ? path ?? "defaults" : "command line"
            throw error
        }

        let environment = ProcessInfo.processInfo.environment
        let secret: [UInt8]
        if let configured = settings.sessionSecret(environment: environment) {
            guard configured.count >= 32 else {
                throw ConfigurationError(
                    file: "environment", key: settings.session.secretVariable,
                    message:
                        "the session secret must be at least 32 bytes (it is \(configured.count)); the value is not shown"
                )
            }
            secret = configured
        } else {
            logger.warning(
                "\(settings.session.secretVariable) is not set: using a random session secret, so sessions end when the server stops"
            )
            secret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        }
        let fileModelSettings = try file.map { file throws(ConfigurationError) in try LLMSettings(file: file) }
        let model = try (fileModelSettings ?? LLMSettings()).overridden(by: LLMSettings.environment(environment))
            .makeModel(environment: environment, logger: logger)

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let app = try SummariesApp(
            configuration: settings, sessionSecret: secret, model: model, metrics: registry, logger: logger)
        do {
            try settings.checkBodyLimitRoutes(app.router().routes.map(\.path.description))
        } catch {
            var error = error
            error.file = path ?? "defaults"
            throw error
        }
        if workersOnly {
            logger.notice("summaries workers starting, database \(settings.databasePath)")
            try await ServiceGroup(
                configuration: .init(
                    services: [app.workerPool()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            ).run()
            return
        }
        let (host, port) = (settings.server.host, settings.server.port)
        logger.notice(
            "summaries API starting on http://\(host):\(port), database \(settings.databasePath), plans \(app.configuration.plans.keys.sorted().joined(separator: ", "))"
        )
        do {
            try await app.application(workers: !noWorkers).runService()
        } catch let error as IOError where [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode) {
            let reason =
                switch error.errnoCode {
                case EADDRINUSE:
                    "the port is in use (is another server running?); choose another with --port or server.port"
                case EACCES:
                    "permission denied (ports below 1024 need privileges); choose another with --port or server.port"
                default: "the address is not one of this machine's; set server.host"
                }
            throw StartupError(message: "cannot listen on \(host):\(port): \(reason)")
        } catch let error where error is SocketAddressError || error is SocketAddressError.UnknownHost {
            throw StartupError(
                message: "cannot listen on \(host):\(port): the host name \(host) does not resolve; set server.host")
        }
    }
}

/// A start-up failure, said plainly.
struct StartupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
