import Foundation
import Hummingbird

// Bare Hummingbird, the baselines for scripts/bench/http.sh:
//   GET /hello -> "Hello"
//   POST /echo -> the JSON body decoded (Foundation) and a small JSON answer: what any
//                 Hummingbird JSON API pays before doing any work of its own.
//   hello-server [PORT]
struct Text: Decodable {
    var text: String
}

let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8081
let router = Router()
router.get("hello") { _, _ in "Hello" }
router.post("echo") { request, context -> Response in
    let body = try await request.body.collect(upTo: context.maxUploadSize)
    let text = try JSONDecoder().decode(Text.self, from: Data(body.readableBytesView))
    return Response(
        status: .accepted, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: #"{"length":\#(text.text.utf8.count)}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
