import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

enum Wire: String, CaseIterable, Sendable {
    case anthropic, openai
}

let secret = "sk-test-DO-NOT-LEAK-1234567890"

func makeModel(
    _ wire: Wire, baseURL: String, clock: MockClock, streaming: Bool = false, retry: RetryPolicy = .init(),
    overallTimeout: Duration = .seconds(60), logger: Logger = Logger(label: "test")
) -> any LanguageModel {
    let transport = TransportOptions(retry: retry, requestTimeout: .seconds(5), overallTimeout: overallTimeout)
    switch wire {
    case .anthropic:
        return AnthropicModel(
            configuration: .init(apiKey: APIKey(secret), baseURL: baseURL, streaming: streaming, transport: transport),
            clock: clock, logger: logger, random: { 0 })
    case .openai:
        return OpenAICompatibleModel(
            configuration: .init(
                model: "gpt-4o-mini", apiKey: APIKey(secret), baseURL: baseURL + "/v1", streaming: streaming,
                transport: transport),
            clock: clock, logger: logger, random: { 0 })
    }
}
