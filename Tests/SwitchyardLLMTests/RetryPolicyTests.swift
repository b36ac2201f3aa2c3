import SwitchyardModel
import Testing

@testable import SwitchyardLLM

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCapWithJitter() {
        let policy = RetryPolicy()
        #expect(policy.backoff(retry: 0, retryAfter: nil, random: 0) == .milliseconds(500))
        #expect(policy.backoff(retry: 1, retryAfter: nil, random: 0) == .seconds(1))
        #expect(policy.backoff(retry: 5, retryAfter: nil, random: 0) == .seconds(8))
        #expect(policy.backoff(retry: 0, retryAfter: nil, random: 1) == .milliseconds(375))
    }

    @Test func retryAfterIsHonouredWithinItsLimit() {
        let policy = RetryPolicy()
        #expect(policy.backoff(retry: 0, retryAfter: .seconds(3), random: 0.5) == .seconds(3))
        #expect(policy.backoff(retry: 0, retryAfter: .seconds(600), random: 0) == .milliseconds(500))
        #expect(RetryPolicy.retryAfter(milliseconds: "1500", value: "9") == .milliseconds(1500))
        #expect(RetryPolicy.retryAfter(milliseconds: nil, value: "2") == .seconds(2))
        #expect(RetryPolicy.retryAfter(milliseconds: nil, value: "soon") == nil)
    }

    @Test func shouldRetryHeaderOverridesTheStatusRules() {
        let policy = RetryPolicy()
        let server = LLMError(.server, provider: "anthropic", status: 500, message: "")
        let invalid = LLMError(.invalidRequest, provider: "anthropic", status: 400, message: "")
        #expect(policy.shouldRetry(server, retriesSoFar: 0, shouldRetryHeader: nil))
        #expect(!policy.shouldRetry(server, retriesSoFar: 0, shouldRetryHeader: "false"))
        #expect(policy.shouldRetry(invalid, retriesSoFar: 0, shouldRetryHeader: "true"))
        #expect(!policy.shouldRetry(invalid, retriesSoFar: 0, shouldRetryHeader: nil))
        #expect(!policy.shouldRetry(server, retriesSoFar: 2, shouldRetryHeader: nil))
    }

    @Test func statusesMapToKinds() {
        #expect(LLMError.kind(forStatus: 401) == .authentication)
        #expect(LLMError.kind(forStatus: 408) == .server)
        #expect(LLMError.kind(forStatus: 409) == .server)
        #expect(LLMError.kind(forStatus: 429) == .rateLimited)
        #expect(LLMError.kind(forStatus: 529) == .overloaded)
        #expect(LLMError.kind(forStatus: 503) == .server)
        #expect(LLMError.kind(forStatus: 400) == .invalidRequest)
        #expect(LLMError.kind(forStatus: 500, providerType: "overloaded_error") == .overloaded)
    }
}
