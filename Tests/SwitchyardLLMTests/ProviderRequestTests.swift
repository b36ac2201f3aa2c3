import AsyncHTTPClient
import Foundation
import Logging
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct ProviderRequestTests {
    @Test func anthropicSendsTheMessagesAPIRequest() async throws {
        let server = FakeLLMServer(steps: [.reply("Hello!")])
        let reply = try await server.withRunning { baseURL in
            try await makeModel(.anthropic, baseURL: baseURL, clock: MockClock()).complete(
                ModelRequest(
                    system: "Be brief.", messages: [ChatMessage(role: .user, content: "Hi")], maxTokens: 64,
                    temperature: 0.2, stopSequences: ["END"]))
        }
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/messages")
        #expect(request.headers["x-api-key"] == secret)
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.json["model"] as? String == "claude-3-5-haiku-20241022")
        #expect(request.json["max_tokens"] as? Int == 64)
        #expect(request.json["system"] as? String == "Be brief.")
        #expect(request.json["temperature"] as? Double == 0.2)
        #expect(request.json["stop_sequences"] as? [String] == ["END"])
        #expect(request.lastMessage == "Hi")
        #expect(request.json["stream"] == nil)
        #expect(reply.text == "Hello!")
        #expect(reply.stopReason == "end_turn")
        #expect(reply.usage == TokenUsage(inputTokens: 12, outputTokens: 1))
        // claude-3-5-haiku: $0.80 / $4 per million tokens.
        #expect(abs((reply.costUSD ?? 0) - (12 * 0.80 + 1 * 4) / 1_000_000) < 1e-12)
    }

    @Test func openAISendsTheChatCompletionsRequest() async throws {
        let server = FakeLLMServer(steps: [.reply("Hello!")])
        let reply = try await server.withRunning { baseURL in
            try await makeModel(.openai, baseURL: baseURL, clock: MockClock()).complete(
                ModelRequest(system: "Be brief.", messages: [ChatMessage(role: .user, content: "Hi")], maxTokens: 64))
        }
        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.headers["authorization"] == "Bearer \(secret)")
        let messages = request.json["messages"] as? [[String: Any]]
        #expect(messages?.first?["role"] as? String == "system")
        #expect(messages?.last?["content"] as? String == "Hi")
        #expect(request.json["max_tokens"] as? Int == 64)
        #expect(reply.text == "Hello!")
        #expect(reply.stopReason == "stop")
        #expect(reply.usage == TokenUsage(inputTokens: 12, outputTokens: 1))
    }

    @Test func aLocalServerNeedsNoKey() async throws {
        let server = FakeLLMServer(steps: [.reply("local")])
        let reply = try await server.withRunning { baseURL in
            try await OpenAICompatibleModel(
                configuration: .init(model: "llama3.2", baseURL: baseURL + "/v1"), clock: MockClock()
            ).complete(.user("Hi"))
        }
        #expect(reply.text == "local")
        #expect(server.requests.first?.headers["authorization"] == nil)
        #expect(reply.costUSD == nil)
    }

    @Test(arguments: Wire.allCases)
    func streamedRepliesAreAssembled(_ wire: Wire) async throws {
        let text = "A streamed reply, in pieces — with ünïcode 🌍."
        let server = FakeLLMServer(steps: [.reply(text)])
        let reply = try await server.withRunning { baseURL in
            try await makeModel(wire, baseURL: baseURL, clock: MockClock(), streaming: true).complete(.user("Hi"))
        }
        #expect(server.requests.first?.isStreaming == true)
        #expect(reply.text == text)
        #expect(reply.usage?.inputTokens == 12)
        #expect(reply.stopReason == (wire == .anthropic ? "end_turn" : "stop"))
    }
}
