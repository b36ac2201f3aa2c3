import Hummingbird

// Bare Hummingbird: GET /hello -> "Hello". The baseline for scripts/bench/http.sh.
//   hello-server [PORT]
let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 8081
let router = Router()
router.get("hello") { _, _ in "Hello" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
