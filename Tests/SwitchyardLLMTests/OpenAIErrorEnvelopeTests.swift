import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Testing

/// One error shape an OpenAI-compatible server sends, and what the client must make of it.
struct ErrorEnvelope: Sendable, CustomTestStringConvertible {
    var server: String
    var status: Int
    var body: String
    var kind: LLMError.Kind
    var providerType: String?
    var message: String
    var testDescription: String { server }
}

let openAIErrorEnvelopes: [ErrorEnvelope] = [
    ErrorEnvelope(
        server: "OpenAI, nested with a string code",
        status: 400,
        body:
            #"{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
        kind: .invalidRequest, providerType: "invalid_request_error",
        message: "This model's maximum context length is 128000 tokens."),
    ErrorEnvelope(
        server: "OpenAI, nested with a null code",
        status: 500,
        body:
            #"{"error":{"message":"The server had an error while processing your request","type":"server_error","param":null,"code":null}}"#,
        kind: .server, providerType: "server_error", message: "The server had an error while processing your request"),
    ErrorEnvelope(
        server: "nested with a numeric code and no type",
        status: 404,
        body: #"{"error":{"message":"The model gpt-9 does not exist","code":404}}"#,
        kind: .invalidRequest, providerType: "404", message: "The model gpt-9 does not exist"),
    ErrorEnvelope(
        server: "a proxy's overloaded_error",
        status: 500,
        body: #"{"error":{"message":"Overloaded","type":"overloaded_error"}}"#,
        kind: .overloaded, providerType: "overloaded_error", message: "Overloaded"),
    ErrorEnvelope(
        server: "503 without a body",
        status: 503,
        body: "",
        kind: .overloaded, providerType: nil, message: ""),
    ErrorEnvelope(
        server: "vLLM, flat object error",
        status: 400,
        body:
            #"{"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}"#,
        kind: .invalidRequest, providerType: "BadRequestError",
        message: "This model's maximum context length is 4096 tokens."),
    ErrorEnvelope(
        server: "Ollama, a bare string",
        status: 404,
        body: #"{"error":"model \"llama9\" not found, try pulling it first"}"#,
        kind: .invalidRequest, providerType: nil, message: #"model "llama9" not found, try pulling it first"#),
    ErrorEnvelope(
        server: "a gateway's HTML page",
        status: 502,
        body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
        kind: .server, providerType: nil, message: "<html><body><h1>502 Bad Gateway</h1></body></html>"),
    ErrorEnvelope(
        server: "an error object in a 200",
        status: 200,
        body: #"{"error":{"message":"The server had an error while processing your request","type":"server_error"}}"#,
        kind: .server, providerType: "server_error", message: "The server had an error while processing your request"),
]

/// Each error shape is served over HTTP by the fake server and read by the client.
@Suite struct OpenAIErrorEnvelopeTests {
    @Test(arguments: openAIErrorEnvelopes)
    func everyErrorShapeIsReadFromTheWire(_ envelope: ErrorEnvelope) async throws {
        let server = FakeLLMServer(steps: [.raw(status: envelope.status, body: envelope.body)])
        let error = try await server.withRunning { baseURL in
            try await #require(throws: LLMError.self) {
                try await makeModel(.openai, baseURL: baseURL, clock: MockClock(), retry: .none).complete(.user("Hi"))
            }
        }
        #expect(error.kind == envelope.kind)
        #expect(error.provider == "openai")
        #expect(error.status == envelope.status)
        #expect(error.providerType == envelope.providerType)
        #expect(error.message == envelope.message)
        #expect(error.requestID == "req_fake_1")  // from OpenAI's `x-request-id`
        #expect(server.requests.count == 1)
    }
}
