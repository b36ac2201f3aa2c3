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
