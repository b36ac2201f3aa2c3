import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchyardPipeline
import SwitchyardPipelineTesting
import Testing

/// JSON coding lives on the request context: a handler decodes its body and returns a value,
/// and both sides are snake_case, with `Content-Type: application/json`.
@Suite struct ContextJSONCodingTests {
    struct Greeting: Decodable {
        var firstName: String
    }

    struct Reply: ResponseEncodable {
        var greetedName: String
        var sentAt: Date
    }

    /// Bodies without an underscore skip the key conversion (it is costly): keys escaped with
    /// `\u005f` still convert, and values with underscores change nothing.
    @Test(arguments: [
        #"{"first_name":"Ada"}"#, #"{"first\u005fname":"Ada"}"#, #"{"firstName":"Ada"}"#,
        #"{"first_name":"Ada_L"}"#,
    ])
    func snakeCaseKeysAreReadWhateverTheBodyHolds(_ json: String) async throws {
        let router = Router(context: PipelineContext.self)
        router.post("greet") { request, context -> String in
            try await decodeJSONBody(Greeting.self, from: request, context: context).firstName
        }
        // Hummingbird's own decoding goes through the context's decoder too.
        router.post("hummingbird") { request, context -> String in
            try await request.decode(as: Greeting.self, context: context).firstName
        }
        try await Application(router: router).test(.router) { client in
            for uri in ["/greet", "/hummingbird"] {
                try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: json)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).hasPrefix("Ada"))
                }
            }
        }
    }

    @Test func aHandlerReturnsAValueAndGetsSnakeCaseJSON() async throws {
        let router = Router(context: PipelineContext.self)
        router.post("greet") { request, context -> Reply in
            let greeting = try await decodeJSONBody(Greeting.self, from: request, context: context)
            return Reply(greetedName: greeting.firstName, sentAt: Date(timeIntervalSince1970: 0))
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(
                uri: "/greet", method: .post, body: ByteBuffer(string: #"{"first_name":"Ada"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(
                    String(buffer: response.body) == #"{"greeted_name":"Ada","sent_at":"1970-01-01T00:00:00Z"}"#)
            }
        }
    }
}
