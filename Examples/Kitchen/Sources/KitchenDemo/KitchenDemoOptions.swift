import ArgumentParser
import Foundation
import Logging
import SwitchyardLLM

/// Command-line options of the kitchen demo, shared by `kitchen-demo` and `switchyard demo`.
public struct KitchenDemoOptions: ParsableArguments {
    @Option(help: "Services (ticks) to run.")
    public var ticks: UInt64 = 10

    @Option(help: "Seconds between services.")
    public var interval: Double = 0.5

    @Option(help: "The coordinator's collection window, in milliseconds.")
    public var window: Int = 800

    @Option(help: "Seconds a model call may take before the fallback answers.")
    public var modelTimeout: Double = 10

    @Option(help: "Model provider: anthropic or openai (any OpenAI-compatible server). Overrides switchyard.toml and SWITCHYARD_LLM_PROVIDER.")
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
        guard ticks >= 1 else { throw ValidationError("--ticks must be at least 1 (got \(ticks))") }
        guard interval > 0 else { throw ValidationError("--interval must be positive (got \(interval))") }
        guard window > 0 else { throw ValidationError("--window must be positive (got \(window))") }
        guard modelTimeout > 0 else { throw ValidationError("--model-timeout must be positive (got \(modelTimeout))") }
        if let llmProvider, LLMSettings.Provider(rawValue: llmProvider.lowercased()) == nil {
            throw ValidationError("--llm-provider must be anthropic or openai (got \(llmProvider))")
        }
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
    public func runDemo() async throws {
        var logger = Logger(label: "kitchen")
        logger.logLevel = logLevel
        let environment = ProcessInfo.processInfo.environment
        let model = try llmSettings(environment: environment).makeModel(environment: environment, logger: logger)
        let configuration = KitchenConfiguration(
            interval: .milliseconds(Int(interval * 1000)), ticks: ticks, window: .milliseconds(window),
            modelTimeout: .milliseconds(Int(modelTimeout * 1000)))
        let final = try await KitchenDemo.run(configuration: configuration, model: model, logger: logger) { print($0) }
        print("\nafter \(ticks) services:\n\(final.summary)")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
