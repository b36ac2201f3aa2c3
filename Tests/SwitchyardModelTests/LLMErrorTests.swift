import SwitchyardModel
import Testing

@Suite struct LLMErrorTests {
    @Test func anErrorRemembersWhereItWasMadeButEqualityIgnoresIt() {
        let first = LLMError(.overloaded, provider: "anthropic", status: 529, message: "Overloaded")
        let second = LLMError(.overloaded, provider: "anthropic", status: 529, message: "Overloaded")
        #expect(first.file == "SwitchyardModelTests/LLMErrorTests.swift")
        #expect(first.line == #line - 3)
        #expect(second.line == first.line + 1)
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(first != LLMError(.overloaded, provider: "anthropic", status: 503, message: "Overloaded"))
    }

    @Test func theDescriptionNeverNamesTheCodeLocation() {
        let error = LLMError(.rateLimited, provider: "openai", status: 429, message: "slow down", requestID: "req_1")
        #expect(error.description == "openai rate_limited (HTTP 429): slow down [request req_1]")
    }

    @Test func everyKindHasAStableSnakeCaseName() {
        for kind in LLMError.Kind.allCases {
            #expect(kind.rawValue == kind.rawValue.lowercased())
            #expect(!kind.rawValue.contains(" "))
        }
        #expect(Set(LLMError.Kind.allCases.map(\.rawValue)).count == LLMError.Kind.allCases.count)
    }

    @Test(
        arguments: [
            (401, nil, LLMError.Kind.authentication), (403, nil, .permission), (408, nil, .server), (409, nil, .server),
            (429, nil, .rateLimited), (529, nil, .overloaded), (503, nil, .server), (404, nil, .invalidRequest),
            (400, "overloaded_error", .overloaded),
        ] as [(Int, String?, LLMError.Kind)])
    func statusesMapToKinds(_ status: Int, _ providerType: String?, _ kind: LLMError.Kind) {
        #expect(LLMError.kind(forStatus: status, providerType: providerType) == kind)
    }
}
