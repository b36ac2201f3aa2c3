import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardConfiguration
import SwitchyardModel

/// Which model to use, from `switchyard.toml`'s `[llm]` table and the environment.
///
/// ```toml
/// [llm]
/// provider = "anthropic"            # or "openai" (any OpenAI-compatible server)
/// model = "claude-3-5-haiku-20241022"
/// base_url = "https://api.anthropic.com"
/// api_key_env = "ANTHROPIC_API_KEY" # the variable that holds the key; never the key itself
/// stream = false
/// request_timeout_seconds = 60
/// ```
///
/// Environment variables override the file: `SWITCHYARD_LLM_PROVIDER`,
/// `SWITCHYARD_LLM_MODEL`, `SWITCHYARD_LLM_BASE_URL`, `SWITCHYARD_LLM_API_KEY_ENV`,
/// `SWITCHYARD_LLM_STREAM`. With no provider named, `ANTHROPIC_API_KEY` being set selects
/// Anthropic. With no provider and no key, there is no model: agents run on their fallbacks.
public struct LLMSettings: Sendable, Hashable {
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        case anthropic
        case openai
    }

    public var provider: Provider?
    public var model: String?
    public var baseURL: String?
    /// The name of the environment variable holding the key: upper-case letters, digits and
    /// `_` (anything else is refused unrepeated, in case it is the key itself).
    public var apiKeyVariable: String?
    public var streaming: Bool?
    public var requestTimeout: Duration?

    public init(
        provider: Provider? = nil, model: String? = nil, baseURL: String? = nil, apiKeyVariable: String? = nil,
        streaming: Bool? = nil, requestTimeout: Duration? = nil
    ) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.apiKeyVariable = apiKeyVariable
        self.streaming = streaming
        self.requestTimeout = requestTimeout
    }

    /// `other`'s settings where it has them, else these.
    public func overridden(by other: LLMSettings) -> LLMSettings {
        LLMSettings(
            provider: other.provider ?? provider, model: other.model ?? model, baseURL: other.baseURL ?? baseURL,
            apiKeyVariable: other.apiKeyVariable ?? apiKeyVariable, streaming: other.streaming ?? streaming,
            requestTimeout: other.requestTimeout ?? requestTimeout)
    }

    /// The `SWITCHYARD_LLM_*` variables.
    public static func environment(_ environment: [String: String]) throws(ConfigurationError) -> LLMSettings {
        var settings = LLMSettings()
        if let provider = environment["SWITCHYARD_LLM_PROVIDER"], !provider.isEmpty {
            settings.provider = try parseProvider(provider, key: "SWITCHYARD_LLM_PROVIDER")
        }
        settings.model = environment["SWITCHYARD_LLM_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        settings.baseURL = environment["SWITCHYARD_LLM_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        settings.apiKeyVariable = try checkedVariable(
            environment["SWITCHYARD_LLM_API_KEY_ENV"].flatMap { $0.isEmpty ? nil : $0 },
            key: "SWITCHYARD_LLM_API_KEY_ENV")
        if let stream = environment["SWITCHYARD_LLM_STREAM"] {
            settings.streaming = ["1", "true", "yes"].contains(stream.lowercased())
        }
        return settings
    }

    /// The `[llm]` table of a `switchyard.toml`'s text (absent: no settings).
    public static func toml(_ text: String) throws(ConfigurationError) -> LLMSettings {
        try LLMSettings(file: ConfigurationFile(text: text))
    }

    /// The keys of `[llm]`.
    public static let keys: Set<String> = [
        "provider", "model", "base_url", "api_key_env", "stream", "request_timeout_seconds",
    ]

    /// The `[llm]` table of `file` (absent: no settings).
    public init(file: ConfigurationFile) throws(ConfigurationError) {
        try self.init(table: "llm", in: file.root, file: file.path)
    }

    /// The table `name` of `parent` (absent: no settings), such as `llm` of `[build]` for
    /// `[build.llm]`, the model `switchyard build` writes logic with.
    public init(table name: String, in parent: ConfigurationTable, file: String) throws(ConfigurationError) {
        self.init()
        let keyInFile = "keys do not belong in files; name the environment variable that holds it with api_key_env"
        guard let table = try parent.table(name, known: Self.keys, refused: ["api_key": keyInFile]) else { return }
        if let provider = try table.string("provider") {
            self.provider = try Self.parseProvider(provider, key: table.path("provider"), file: file)
        }
        model = try table.string("model")
        baseURL = try table.string("base_url")
        apiKeyVariable = try Self.checkedVariable(
            try table.string("api_key_env"), key: table.path("api_key_env"), file: file)
        streaming = try table.bool("stream")
        requestTimeout = try table.int("request_timeout_seconds", in: 1...86_400).map { .seconds($0) }
    }

    private static func parseProvider(_ text: String, key: String, file: String = "environment")
        throws(ConfigurationError) -> Provider
    {
        guard let provider = Provider(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                file: file, key: key, message: "unknown provider \"\(text)\"; expected anthropic or openai")
        }
        return provider
    }

    /// `name`, if it can be an environment variable's name. Otherwise it may be a key pasted
    /// where its variable's name belongs, so the error names the setting but never repeats it.
    private static func checkedVariable(_ name: String?, key: String, file: String = "environment")
        throws(ConfigurationError) -> String?
    {
        guard let name else { return nil }
        guard isEnvironmentVariableName(name) else {
            throw ConfigurationError(
                file: file, key: key,
                message: "must name the environment variable that holds the key (upper-case letters, digits and _, "
                    + "such as ANTHROPIC_API_KEY), not the key itself; the value is not repeated here")
        }
        return name
    }

    /// The model these settings describe, or `nil` when none is configured (said once in
    /// the log, with the reason). Keys are read from `environment`, never logged.
    public func makeModel(
        environment: [String: String], httpClient: HTTPClient = .shared, logger: Logger
    ) throws(ConfigurationError) -> (any LanguageModel)? {
        let provider =
            self.provider ?? (environment["ANTHROPIC_API_KEY"].map { !$0.isEmpty } == true ? .anthropic : nil)
        // The variable's name goes into the log below: make sure it is a name, not a key.
        let apiKeyVariable = try Self.checkedVariable(apiKeyVariable, key: "llm.api_key_env", file: "settings")
        var transport = TransportOptions()
        if let requestTimeout { transport.requestTimeout = requestTimeout }
        switch provider {
        case nil:
            logger.notice("no language model configured; LLM agents and coordinators run on their fallbacks")
            return nil
        case .anthropic:
            let variable = apiKeyVariable ?? "ANTHROPIC_API_KEY"
            let base = baseURL ?? "https://api.anthropic.com"
            let key = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            // The hosted API needs a key; a local stand-in (the fake server) may not.
            if key == nil && base.contains("api.anthropic.com") {
                logger.notice(
                    "anthropic is configured but \(variable) is not set; LLM agents and coordinators run on their fallbacks"
                )
                return nil
            }
            return AnthropicModel(
                configuration: .init(
                    apiKey: APIKey(key ?? ""), model: model ?? "claude-3-5-haiku-20241022", baseURL: base,
                    streaming: streaming ?? false, transport: transport),
                httpClient: httpClient, logger: logger)
        case .openai:
            let variable = apiKeyVariable ?? "OPENAI_API_KEY"
            let key = environment[variable].flatMap { $0.isEmpty ? nil : APIKey($0) }
            let base = baseURL ?? "https://api.openai.com/v1"
            if key == nil && base.contains("api.openai.com") {
                logger.notice(
                    "openai is configured but \(variable) is not set; LLM agents and coordinators run on their fallbacks"
                )
                return nil
            }
            guard let model = model ?? (base.contains("api.openai.com") ? "gpt-4o-mini" : nil) else {
                throw ConfigurationError(
                    file: "settings", key: "llm.model",
                    message:
                        "an OpenAI-compatible server at \(base) needs a model name (llm.model or SWITCHYARD_LLM_MODEL)")
            }
            return OpenAICompatibleModel(
                configuration: .init(
                    model: model, apiKey: key, baseURL: base, streaming: streaming ?? false, transport: transport),
                httpClient: httpClient, logger: logger)
        }
    }
}
