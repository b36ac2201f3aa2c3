import ArgumentParser
import Logging

/// Command-line options of the kitchen demo, shared by `kitchen-demo` and `switchyard demo`.
public struct KitchenDemoOptions: ParsableArguments {
    @Option(help: "Services (ticks) to run.")
    public var ticks: UInt64 = 10

    @Option(help: "Seconds between services.")
    public var interval: Double = 0.5

    @Option(help: "The coordinator's collection window, in milliseconds.")
    public var window: Int = 800

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    public var logLevel: Logger.Level = .warning

    public init() {}

    public func validate() throws {
        guard ticks >= 1 else { throw ValidationError("--ticks must be at least 1 (got \(ticks))") }
        guard interval > 0 else { throw ValidationError("--interval must be positive (got \(interval))") }
        guard window > 0 else { throw ValidationError("--window must be positive (got \(window))") }
    }

    /// Runs the demo with these options, printing to standard output.
    public func runDemo() async throws {
        var logger = Logger(label: "kitchen")
        logger.logLevel = logLevel
        let configuration = KitchenConfiguration(
            interval: .milliseconds(Int(interval * 1000)), ticks: ticks, window: .milliseconds(window))
        let final = try await KitchenDemo.run(configuration: configuration, model: nil, logger: logger) { print($0) }
        print("\nafter \(ticks) services:\n\(final.summary)")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
