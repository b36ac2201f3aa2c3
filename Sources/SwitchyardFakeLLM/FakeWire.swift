import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The error classes the fake server renders, per protocol.
enum FakeErrorKind {
    case rateLimited, overloaded, serverError, authentication
}

/// One protocol's wire format, as the fake server writes it.
protocol FakeWire: Sendable {
    var overloadedStatus: Int { get }
    /// The header carrying the request id: Anthropic's `request-id`, OpenAI's `x-request-id`.
    var requestIDHeader: String { get }
    /// How many events at the end of ``events(text:model:)`` a complete stream needs.
    var finalEventCount: Int { get }
    func json(text: String, model: String) -> String
    func events(text: String, model: String) -> [String]
    /// The JSON of an error reported after HTTP 200 (an SSE `error` event's data, or a plain body).
    var errorAfter200: String { get }
    /// An SSE event whose JSON is cut short.
    var malformedEvent: String { get }
    func streamError() -> String
    func errorBody(_ kind: FakeErrorKind) -> String
}

extension FakeWire {
    func success(text: String, model: String, streaming: Bool, requestID: String) -> Response {
        if streaming { return sse(events(text: text, model: model), requestID: requestID) }
        return response(status: 200, body: json(text: text, model: model), requestID: requestID)
    }

    func error(status: Int, kind: FakeErrorKind, requestID: String) -> Response {
        response(status: status, body: errorBody(kind), requestID: requestID)
    }

    /// A JSON response (or `contentType`) with the request id header.
    func response(status: Int, body: String, requestID: String, contentType: String = "application/json") -> Response {
        Response(
            status: .init(code: status),
            headers: [.contentType: contentType, HTTPField.Name(requestIDHeader)!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// An SSE response of `events`, with the request id header.
    func sse<Events: Sequence<String>>(_ events: Events, requestID: String) -> Response {
        var response = response(
            status: 200, body: events.joined(), requestID: requestID, contentType: "text/event-stream")
        response.headers[.cacheControl] = "no-cache"
        return response
    }

    /// `text` in three pieces, as a model streams it.
    func pieces(_ text: String) -> [String] {
        guard text.count > 2 else { return [text] }
        let third = text.count / 3
        let a = text.index(text.startIndex, offsetBy: third)
        let b = text.index(a, offsetBy: third)
        return [String(text[..<a]), String(text[a..<b]), String(text[b...])]
    }
}

/// `value` as a JSON string literal, quotes and escapes included.
func jsonString(_ value: String) -> String {
    // Encoding a String cannot fail; the fallback only satisfies the type checker.
    guard let data = try? JSONEncoder().encode(value) else { return "\"\"" }
    return String(decoding: data, as: UTF8.self)
}

/// Anthropic's Messages API.
struct AnthropicWire: FakeWire {
    let overloadedStatus = 529
    let requestIDHeader = "request-id"
    let finalEventCount = 3  // content_block_stop, message_delta, message_stop

    func json(text: String, model: String) -> String {
        """
        {"id":"msg_fake","type":"message","role":"assistant","model":\(jsonString(model)),\
        "content":[{"type":"text","text":\(jsonString(text))}],"stop_reason":"end_turn","stop_sequence":null,\
        "usage":{"input_tokens":\(12),"output_tokens":\(max(1, text.count / 4))}}
        """
    }

    func events(text: String, model: String) -> [String] {
        var events = [
            event(
                "message_start",
                #"{"type":"message_start","message":{"id":"msg_fake","type":"message","role":"assistant","model":\#(jsonString(model)),"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}"#
            ),
            event(
                "content_block_start",
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            event("ping", #"{"type": "ping"}"#),
        ]
        for piece in pieces(text) {
            events.append(
                event(
                    "content_block_delta",
                    #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\#(jsonString(piece))}}"#
                ))
        }
        events += [
            event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            event(
                "message_delta",
                #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":\#(max(1, text.count / 4))}}"#
            ),
            event("message_stop", #"{"type":"message_stop"}"#),
        ]
        return events
    }

    let errorAfter200 = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#

    var malformedEvent: String {
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"te"#)
    }

    func streamError() -> String { event("error", errorAfter200) }

    func errorBody(_ kind: FakeErrorKind) -> String {
        let (type, message) =
            switch kind {
            case .rateLimited: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
            case .overloaded: ("overloaded_error", "Overloaded")
            case .serverError: ("api_error", "Internal server error")
            case .authentication: ("authentication_error", "invalid x-api-key")
            }
        return #"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"}}"#
    }

    private func event(_ name: String, _ data: String) -> String { "event: \(name)\ndata: \(data)\n\n" }
}

/// OpenAI Chat Completions.
struct OpenAIWire: FakeWire {
    let overloadedStatus = 503
    let requestIDHeader = "x-request-id"
    let finalEventCount = 2  // the usage chunk and [DONE]

    func json(text: String, model: String) -> String {
        """
        {"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":\(jsonString(model)),\
        "choices":[{"index":0,"message":{"role":"assistant","content":\(jsonString(text))},"finish_reason":"stop"}],\
        "usage":{"prompt_tokens":12,"completion_tokens":\(max(1, text.count / 4)),"total_tokens":\(12 + max(1, text.count / 4))}}
        """
    }

    func events(text: String, model: String) -> [String] {
        var events = [chunk(#"{"role":"assistant","content":""}"#, finish: nil, model: model)]
        for piece in pieces(text) {
            events.append(chunk(#"{"content":\#(jsonString(piece))}"#, finish: nil, model: model))
        }
        events.append(chunk("{}", finish: "stop", model: model))
        events.append(
            "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"model\":\(jsonString(model)),\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":\(max(1, text.count / 4))}}\n\n")
        events.append("data: [DONE]\n\n")
        return events
    }

    let errorAfter200 =
        #"{"error":{"message":"The server had an error while processing your request","type":"server_error"}}"#

    let malformedEvent =
        #"data: {"id":"chatcmpl-fake","object":"chat.completion.chunk","choices":[{"index":0,"del"# + "\n\n"

    func streamError() -> String { "data: \(errorAfter200)\n\n" }

    func errorBody(_ kind: FakeErrorKind) -> String {
        switch kind {
        case .rateLimited:
            #"{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
        case .overloaded:
            #"{"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error","param":null,"code":null}}"#
        case .serverError:
            #"{"error":{"message":"The server had an error while processing your request","type":"server_error","param":null,"code":null}}"#
        case .authentication:
            #"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        }
    }

    private func chunk(_ delta: String, finish: String?, model: String) -> String {
        "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\(jsonString(model)),"
            + "\"choices\":[{\"index\":0,\"delta\":\(delta),\"finish_reason\":\(finish.map { "\"\($0)\"" } ?? "null")}]}\n\n"
    }
}
