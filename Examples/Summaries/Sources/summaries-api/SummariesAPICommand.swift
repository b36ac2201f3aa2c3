import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals
import SummariesAPI
import SwitchyardLLM
import SwitchyardPipeline

/// Runs the summaries API on one SQLite file.
@main
struct SummariesAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summaries-api",
        abstract: "The summaries SaaS API: sessions, plans, usage limits, durable workers, on SQLite.")

    @Option(help: "The switchyard.toml to read (default: ./switchyard.toml when present, else built-in defaults).")
    var config: String?

    @Option(help: "Overrides server.port.")
    var port: Int?

    @Option(help: "Overrides database.path.")
    var database: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Flag(help: "Serve the API only; jobs wait for a worker process (summaries-api --workers-only).")
    var noWorkers = false

    @Flag(help: "Run the workers only, no HTTP server.")
    var workersOnly = false

    func run() async throws {
        var logger = Logger(label: "summaries")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let path = config ?? (FileManager.default.fileExists(atPath: "switchyard.toml") ? "switchyard.toml" : nil)
        var settings = PipelineConfiguration()
        var text = ""
        do {
            if let path {
                text = try String(contentsOfFile: path, encoding: .utf8)
                settings = try PipelineConfiguration.parse(text)
            }
        } catch {
            throw ValidationError("\(error)")
        }
        if let port { settings.server.port = port }
        if let database { settings.databasePath = database }

        let environment = ProcessInfo.processInfo.environment
        let secret: [UInt8]
        if let configured = settings.sessionSecret(environment: environment) {
            secret = configured
        } else {
            logger.warning(
                "\(settings.session.secretVariable) is not set: using a random session secret, so sessions end when the server stops")
            secret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        }
        let model = try LLMSettings.toml(text).overridden(by: LLMSettings.environment(environment))
            .makeModel(environment: environment, logger: logger)

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let app = try SummariesApp(
            configuration: settings, sessionSecret: secret, model: model, metrics: registry, logger: logger)
        logger.notice(
            "summaries API on http://\(settings.server.host):\(settings.server.port), database \(settings.databasePath), plans \(app.configuration.plans.keys.sorted().joined(separator: ", "))")
        if workersOnly {
            try await ServiceGroup(
                configuration: .init(services: [app.workerPool()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            ).run()
        } else {
            try await app.application(workers: !noWorkers).runService()
        }
    }
}
