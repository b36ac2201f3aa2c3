import SwitchyardModel

/// Prices per million tokens, to put a cost on each reply.
public struct ModelPricing: Sendable, Hashable {
    /// US dollars per million input tokens.
    public var inputPerMillion: Double
    /// US dollars per million output tokens.
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of `usage` in US dollars.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.inputTokens) * inputPerMillion + Double(usage.outputTokens) * outputPerMillion) / 1_000_000
    }

    /// List prices of common hosted models (USD per million tokens), by model id prefix.
    /// Local models (Ollama, llama.cpp, vLLM) cost nothing per token and are not listed.
    public static let known: [String: ModelPricing] = [
        "claude-3-5-haiku": ModelPricing(inputPerMillion: 0.80, outputPerMillion: 4),
        "claude-3-5-sonnet": ModelPricing(inputPerMillion: 3, outputPerMillion: 15),
        "claude-3-haiku": ModelPricing(inputPerMillion: 0.25, outputPerMillion: 1.25),
        "gpt-4o-mini": ModelPricing(inputPerMillion: 0.15, outputPerMillion: 0.60),
        "gpt-4o": ModelPricing(inputPerMillion: 2.50, outputPerMillion: 10),
    ]

    /// The price for `model`, matching the longest known prefix.
    public static func forModel(_ model: String) -> ModelPricing? {
        known.filter { model.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }
}
