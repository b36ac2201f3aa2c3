import SwitchyardModel
import Testing

@testable import SwitchyardLLM

@Suite struct ServerSentEventParserTests {
    /// A stream as Anthropic sends it (from the Messages streaming documentation).
    static let recorded = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Héllo — "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"wörld 🌍"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    @Test func parsesARecordedStream() {
        var parser = ServerSentEventParser()
        let events = parser.feed(Array(Self.recorded.utf8))
        #expect(
            events.map(\.event) == [
                "message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop",
            ])
        #expect(events[3].data.contains("Héllo — "))
        #expect(!parser.hasPartialEvent)
    }

    @Test func reassemblesEventsSplitAtEveryByteBoundary() {
        let bytes = Array(Self.recorded.utf8)
        var whole = ServerSentEventParser()
        let expected = whole.feed(bytes)
        for split in 0...bytes.count {
            var parser = ServerSentEventParser()
            let events = parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(events == expected, "split at byte \(split)")
        }
        // And one byte at a time.
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in bytes { events += parser.feed([byte]) }
        #expect(events == expected)
    }

    @Test func followsTheLineAndFieldRules() {
        var parser = ServerSentEventParser()
        let text = ": a comment\r\nevent: a\r\ndata: one\r\ndata:two\r\n\r\ndata: [DONE]\r\rid: 7\ndata\n\n"
        let events = parser.feed(Array(text.utf8))
        #expect(
            events == [
                ServerSentEvent(event: "a", data: "one\ntwo"),
                ServerSentEvent(data: "[DONE]"),
                ServerSentEvent(data: "", id: "7"),
            ])
    }

    @Test func aStreamCutShortLeavesAPartialEvent() {
        var parser = ServerSentEventParser()
        _ = parser.feed(Array("event: message_start\ndata: {\"type\":".utf8))
        #expect(parser.hasPartialEvent)
    }
}

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
