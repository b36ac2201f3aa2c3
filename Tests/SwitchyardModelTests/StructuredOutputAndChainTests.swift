import SwitchyardModel
import SwitchyardTesting
import Testing

@Suite struct StructuredOutputAndChainTests {
    struct Verdict: Decodable, Equatable {
        var action: String
        var confidence: Double
    }

    @Test func jsonIsDecodedEvenInsideAFence() async throws {
        let model = ScriptedModel(steps: [
            .reply("Sure:\n```json\n{\"action\": \"raise {price}\", \"confidence\": 0.8}\n```")
        ])
        let verdict = try await model.completeJSON(.user("decide"), as: Verdict.self)
        #expect(verdict == Verdict(action: "raise {price}", confidence: 0.8))
        #expect(model.requests.first?.system?.contains("JSON") == true)
    }

    @Test func aReplyThatIsNotTheJSONIsItsOwnErrorClass() async throws {
        let model = ScriptedModel(steps: [.reply("I would raise prices."), .reply(#"{"action": 3}"#)])
        for _ in 0..<2 {
            await #expect {
                try await model.completeJSON(.user("decide"), as: Verdict.self)
            } throws: { ($0 as? LLMError)?.kind == .unparsableOutput }
        }
    }

    @Test func theChainMovesOnWhenOverloadedButNotWhenUnauthorized() async throws {
        let overloaded = LLMError(.overloaded, provider: "anthropic", status: 529, message: "Overloaded")
        let unauthorized = LLMError(.authentication, provider: "anthropic", status: 401, message: "invalid x-api-key")
        let first = ScriptedModel(name: "first", steps: [.fail(overloaded), .fail(unauthorized)])
        let second = ScriptedModel(name: "second", steps: [.reply("from the second model")])
        let chain = FallbackChainModel([first, second])
        #expect(try await chain.complete(.user("a")).text == "from the second model")
        await #expect { try await chain.complete(.user("b")) } throws: { ($0 as? LLMError)?.kind == .authentication }
        #expect(second.requests.count == 1)
        #expect(chain.name == "first → second")
    }
}
