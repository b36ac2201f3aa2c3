import ArgumentParser
import Foundation
import Logging
import SwitchyardLLM
import SwitchyardModel
import UnixSignals

/// Command-line options of the kitchen demo, shared by `kitchen-demo` and `switchyard demo`.
public struct KitchenDemoOptions: ParsableArguments {
    @Option(help: "Services (ticks) to run.")
    public var ticks: UInt64 = 10

    @Option(help: "Seconds between services, from 0.001 to 86400.")
    public var interval: Double = 0.5

    @Option(help: "The coordinator's collection window, in milliseconds, from 1 to 3600000.")
    public var window: Int = 800

    @Option(
        help: """
            Seconds a model call may take before the fallback answers; shorter than the window, so the \
            LLM agent's fallback arrives while the window is open (default: three quarters of the window).
            """)
    public var modelTimeout: Double?

    @Option(
        help:
            "Model provider: anthropic or openai (any OpenAI-compatible server). Overrides switchyard.toml and SWITCHYARD_LLM_PROVIDER."
    )
    public var llmProvider: String?

    @Option(help: "Model name, such as claude-3-5-haiku-20241022 or llama3.2.")
    public var llmModel: String?

    @Option(help: "Provider base URL, such as http://127.0.0.1:8089 (Anthropic) or http://localhost:11434/v1 (Ollama).")
    public var llmBaseURL: String?

    @Flag(help: "Stream model replies (SSE).")
    public var llmStream = false

    @Option(help: "The configuration file whose [llm] table is read, if it exists.")
    public var config = "switchyard.toml"

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    public var logLevel: Logger.Level = .notice

    public init() {}

    public func validate() throws {
        _ = try configuration()
        if let llmProvider, LLMSettings.Provider(rawValue: llmProvider.lowercased()) == nil {
            throw ValidationError("--llm-provider must be anthropic or openai (got \(llmProvider))")
        }
    }

    /// The kitchen's settings from these options.
    /// - Throws: `ValidationError` naming the option that is out of range.
    public func configuration() throws -> KitchenConfiguration {
        guard ticks >= 1 else { throw ValidationError("--ticks must be at least 1 (got \(ticks))") }
        let interval = try Self.duration("--interval", seconds: interval, maximum: 86_400)
        guard (1...3_600_000).contains(window) else {
            throw ValidationError("--window must be from 1 to 3600000 milliseconds (got \(window))")
        }
        let window = Duration.milliseconds(window)
        var timeout: Duration?
        if let modelTimeout {
            timeout = try Self.duration("--model-timeout", seconds: modelTimeout, maximum: 3_600)
            guard timeout! < window else {
                throw ValidationError(
                    "--model-timeout (\(modelTimeout) s) must be shorter than --window (\(window)): an LLM agent's "
                        + "fallback has to reach the coordinator while its window is open; for a slow model, widen --window"
                )
            }
        }
        return KitchenConfiguration(interval: interval, ticks: ticks, window: window, modelTimeout: timeout)
    }

    /// `seconds` as a whole number of milliseconds, if it is a finite number from 0.001 to `maximum`.
    static func duration(_ option: String, seconds: Double, maximum: Double) throws -> Duration {
        guard seconds.isFinite, seconds >= 0.001, seconds <= maximum else {
            throw ValidationError(
                "\(option) must be a number of seconds from 0.001 to \(Int(maximum)) (got \(seconds))")
        }
        return .milliseconds(Int((seconds * 1000).rounded()))
    }

    /// The model settings: `switchyard.toml`, then the environment, then these flags.
    public func llmSettings(environment: [String: String]) throws -> LLMSettings {
        var settings = LLMSettings()
        if let text = try? String(contentsOfFile: config, encoding: .utf8) {
            do {
                settings = try LLMSettings.toml(text)
            } catch {
                throw ValidationError("\(config): \(error)")
            }
        }
        settings = settings.overridden(by: try LLMSettings.environment(environment))
        return settings.overridden(
            by: LLMSettings(
                provider: llmProvider.flatMap { LLMSettings.Provider(rawValue: $0.lowercased()) }, model: llmModel,
                baseURL: llmBaseURL, streaming: llmStream ? true : nil))
    }

    /// Runs the demo with these options, printing to standard output.
    ///
    /// - Throws: `ExitCode(128 + signal)` after printing the summary when SIGINT or SIGTERM
    ///   stopped it early; whatever stopped the supervisor tree, if it failed.
    public func runDemo() async throws {
        var logger = Logger(label: "kitchen")
        logger.logLevel = logLevel
        let environment = ProcessInfo.processInfo.environment
        let model = try llmSettings(environment: environment).makeModel(environment: environment, logger: logger)
        let outcome = try await KitchenRun.run(configuration: try configuration(), model: model, logger: logger) {
            print($0)
            fflush(nil)
        }
        switch outcome.ending {
        case .finished:
            print("\nafter \(outcome.directives) services:\n\(outcome.state.summary)")
        case .interrupted(let signal):
            print(
                "\nstopped by \("\(signal)".uppercased()) after \(outcome.directives) of \(ticks) services:\n\(outcome.state.summary)"
            )
            fflush(nil)
            throw ExitCode(128 + signal.rawValue)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
