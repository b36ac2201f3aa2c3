import Foundation
import Hummingbird
import Logging
import NIOEmbedded
import Prometheus
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting

// The Pipeline's layers without the network: requests go straight to the routers'
// responders from CONCURRENCY tasks at once, so what the layers and the durable write cost
// shows without HTTP parsing, sockets and wrk. Side by side in one run:
//   echo    — a bare Hummingbird router: decode the JSON body, answer 202;
//   layers  — the same handler behind the root layer (session, error envelope) and the API
//             layer (subscription, usage limit, feature access), on a route that costs nothing,
//             so no durable write;
//   api     — the full API path: the same layers, the thin proxy enqueueing a durable job in
//             one transaction with the usage count and its ledger row (SQLite, synchronous=FULL).
//   pipeline-layers [REQUESTS] [CONCURRENCY]     (default 200000, 64; METRICS=1 adds route metrics)
//
// `pipeline-layers serve PORT` serves the same router over HTTP (with route metrics, as the
// summaries example has them) for scripts/bench/http.sh, and prints a session token first:
//   POST /api/summaries    the full API path, as above;
//   POST /api/echo         the layers alone, no durable write;
//   POST /api/empty-write  the layers and a group-committed write that runs no SQL: the
//                          ceiling of any path that makes one durable write per request.
struct Text: Decodable, Encodable, Sendable { var text: String }

let serve = CommandLine.arguments.dropFirst().first == "serve"
let requests = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000
let concurrency = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 64
let body = #"{"text":"Swift on the server has grown up. Durable jobs keep work safe. Cats sleep."}"#

let directory = try temporaryFolder("pipeline-layers")
defer { try? FileManager.default.removeItem(at: directory) }
let database = try SQLiteDatabase(path: directory.appendingPathComponent("bench.sqlite").path)
let writer = GroupCommit(database: database)
let jobs = try SQLiteJobStore(database: database, writer: writer)
let meter = try UsageMeter(database: database, writer: writer)
let subscriptions = try SQLitePlanSubscriptionStore(database: database)
try await subscriptions.set(PlanSubscription(plan: "free", status: .active), for: "bench")
let signer = try SessionSigner(secret: Array(repeating: UInt8(7), count: 32))
let token = signer.issue(subject: "bench")
let plans = ["free": Plan(name: "free", features: ["summaries"], limit: UsageLimit(units: 1_000_000_000, period: .day))]

@Sendable func echoHandler(_ request: Request, _ context: some RequestContext) async throws -> Response {
    let body = try await request.body.collect(upTo: context.maxUploadSize)
    let text = try JSONDecoder().decode(Text.self, from: Data(body.readableBytesView))
    return Response(
        status: .accepted, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: #"{"length":\#(text.text.utf8.count)}"#)))
}
let bare = Router()
bare.post("echo", use: echoHandler)
let pipeline = Router(context: PipelineContext.self)
pipeline.addRootMiddleware(
    sessions: signer,
    metrics: serve || ProcessInfo.processInfo.environment["METRICS"] == "1"
        ? PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()) : nil)
let api = pipeline.apiGroup(
    subscriptions: subscriptions, plans: plans, meter: meter, cost: { $0.uri.path == "/api/summaries" ? 1 : 0 },
    charging: .byProxy
)
.add(middleware: FeatureAccessMiddleware("summaries", plans: plans))
api.post(
    "summaries",
    use: ThinProxy<Text>.enqueue(to: "summarize", jobs: jobs, meter: meter, statusPath: "/api/summaries").handle)
api.post("echo", use: echoHandler)
api.post("empty-write") { request, context in
    _ = try await writer.write { _ in 0 }
    return try await echoHandler(request, context)
}

if serve {
    let port = CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 8083
    FileHandle.standardOutput.write(Data((token + "\n").utf8))  // unbuffered: the script reads it at once
    let app = Application(router: pipeline, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    try await app.runService()
    try? FileManager.default.removeItem(at: directory)  // exit skips the defer
    exit(0)
}

let channel = NIOAsyncTestingChannel()
let logger = Logger(label: "bench")

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Sends `count` requests from `concurrency` tasks and reports the rate and the CPU each cost.
struct Load {
    let concurrency: Int
    let body: String
    let channel: NIOAsyncTestingChannel
    let logger: Logger

    func run<R: HTTPResponder>(
        _ name: String, _ responder: R, path: String, headers: HTTPFields, count: Int, report: Bool
    )
        async throws -> Double where R.Context: RequestContext, R.Context.Source == ApplicationRequestContextSource
    {
        let start = ContinuousClock.now
        let cpu0 = cpuSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: task, to: count, by: concurrency) {
                        let request = Request(
                            head: .init(
                                method: .post, scheme: "http", authority: "localhost", path: path, headerFields: headers
                            ),
                            body: .init(buffer: ByteBuffer(string: body)))
                        // As Hummingbird's server does for each request.
                        var logger = logger
                        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
                        let context = R.Context(source: .init(channel: channel, logger: logger))
                        let response = try await responder.respond(to: request, context: context)
                        guard response.status == .accepted else { fatalError("\(name): \(response.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        let cpu = cpuSeconds() - cpu0
        let rate = Double(count) / seconds
        if report {
            print(
                String(
                    format: "%-7@ %9.0f req/s   %6.1f µs CPU per request", name as NSString, rate,
                    cpu * 1e6 / Double(count)))
        }
        return rate
    }
}

let load = Load(concurrency: concurrency, body: body, channel: channel, logger: logger)
let json: HTTPFields = [.contentType: "application/json"]
let authorized: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(token)"]
let bareResponder = bare.buildResponder()
let pipelineResponder = pipeline.buildResponder()
func measure(_ name: String, count: Int, report: Bool) async throws -> Double {
    switch name {
    case "echo": try await load.run(name, bareResponder, path: "/echo", headers: json, count: count, report: report)
    case "layers":
        try await load.run(
            name, pipelineResponder, path: "/api/echo", headers: authorized, count: count, report: report)
    default:
        try await load.run(
            name, pipelineResponder, path: "/api/summaries", headers: authorized, count: count, report: report)
    }
}
print("\(requests) requests from \(concurrency) tasks, \(ProcessInfo.processInfo.activeProcessorCount) cores")
for name in ["echo", "layers", "api"] { _ = try await measure(name, count: requests / 10, report: false) }  // warm-up
var rate: [String: Double] = [:]
for name in ["echo", "layers", "api"] { rate[name] = try await measure(name, count: requests, report: true) }
print(
    String(
        format: "ratio layers/echo %.2f, api/echo %.2f", rate["layers"]! / rate["echo"]!, rate["api"]! / rate["echo"]!))
