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
    /// How many events at the end of ``events(text:model:)`` a complete stream needs.
    var finalEventCount: Int { get }
    func json(text: String, model: String) -> String
    func events(text: String, model: String) -> [String]
    func streamError() -> String
    func errorBody(_ kind: FakeErrorKind) -> String
}

extension FakeWire {
    func success(text: String, model: String, streaming: Bool, requestID: String) -> Response {
        if streaming {
            var response = FakeWireSSE.response(events(text: text, model: model))
            response.headers[HTTPField.Name("request-id")!] = requestID
            return response
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json", HTTPField.Name("request-id")!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json(text: text, model: model))))
    }

    func error(status: Int, kind: FakeErrorKind, requestID: String) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json", HTTPField.Name("request-id")!: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(string: errorBody(kind))))
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

func jsonString(_ value: String) -> String {
    String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
}

enum FakeWireSSE {
    static func response<Events: Sequence<String>>(_ events: Events) -> Response {
        let body = events.joined()
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Anthropic's Messages API.
struct AnthropicWire: FakeWire {
    let overloadedStatus = 529
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
            event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            event("ping", #"{"type": "ping"}"#),
        ]
        for piece in pieces(text) {
            events.append(
                event(
                    "content_block_delta",
                    #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\#(jsonString(piece))}}"#))
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

    func streamError() -> String {
        event("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
    }

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
        for piece in pieces(text) { events.append(chunk(#"{"content":\#(jsonString(piece))}"#, finish: nil, model: model)) }
        events.append(chunk("{}", finish: "stop", model: model))
        events.append(
            "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"model\":\(jsonString(model)),\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":\(max(1, text.count / 4))}}\n\n")
        events.append("data: [DONE]\n\n")
        return events
    }

    func streamError() -> String {
        #"data: {"error":{"message":"The server had an error while processing your request","type":"server_error"}}"# + "\n\n"
    }

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
