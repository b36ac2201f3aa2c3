import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SummariesAPI
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardStore
import SwitchyardTesting
import Testing

func makeApp(model: (any LanguageModel)? = nil, port: Int = 0) throws -> SummariesApp {
    let folder = try temporaryFolder("summaries")
    var configuration = try PipelineConfiguration.parse(
        String(
            contentsOfFile: #filePath.replacingOccurrences(
                of: "Tests/SummariesAPITests/SummariesFlowTests.swift", with: "switchyard.toml"), encoding: .utf8))
    configuration.databasePath = folder.appendingPathComponent("summaries.sqlite").path
    configuration.server.port = port
    var logger = Logger(label: "summaries-test")
    logger.logLevel = .warning
    return try SummariesApp(
        configuration: configuration, sessionSecret: Array("a test secret that is at least 32 bytes".utf8),
        model: model,
        bcryptCost: 4, logger: logger)
}

struct Token: Decodable {
    var token: String
    var user_id: String
}

let article = """
    Swift on the server has grown up. Hummingbird gives Swift servers a small, fast core. \
    Durable jobs keep work safe when a Swift server restarts. Cats, meanwhile, sleep most of the day. \
    A Swift server with durable jobs and a small core is easy to run.
    """

@Suite struct SummariesFlowTests {
    @Test func signUpSummarizeAndReadTheResult() async throws {
        let app = try makeApp()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await app.workerPool().run() }
            try await Application(router: app.router()).test(.router) { client in
                let token = try await client.execute(
                    uri: "/auth/signup", method: .post,
                    body: ByteBuffer(string: #"{"email":"ada@example.com","password":"correct horse"}"#)
                ) { response in
                    #expect(response.status == .created)
                    return try decode(Token.self, response).token
                }
                let auth: HTTPFields = bearerHeaders(token: token)
                struct Accepted: Decodable { var job_id: Int64; var status_url: String }
                let accepted = try await client.execute(
                    uri: "/api/summaries", method: .post, headers: auth,
                    body: ByteBuffer(string: #"{"text":\#(jsonString(article)),"sentences":2}"#)
                ) { response in
                    #expect(response.status == .accepted)
                    return try decode(Accepted.self, response)
                }
                #expect(try await eventually { try await app.jobs.job(id: accepted.job_id)?.status == .completed })
                struct Status: Decodable {
                    var status: String
                    var result: Summary?
                }
                let status = try await client.execute(uri: accepted.status_url, method: .get, headers: auth) {
                    try decode(Status.self, $0)
                }
                #expect(status.status == "completed")
                #expect(status.result?.method == "extractive")
                #expect(status.result?.summary == SummarizeWorker.extractive(article, sentences: 2))
                #expect(status.result?.summary.contains("Cats") == false)
                // Logging in again gives a working session too; a wrong password does not.
                try await client.execute(
                    uri: "/auth/login", method: .post,
                    body: ByteBuffer(string: #"{"email":"ada@example.com","password":"correct horse"}"#)
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.setCookie]?.hasPrefix("session=") == true)
                }
                try await client.execute(
                    uri: "/auth/login", method: .post,
                    body: ByteBuffer(string: #"{"email":"ada@example.com","password":"wrong horse"}"#)
                ) { #expect($0.status == .unauthorized) }
                try await client.execute(
                    uri: "/auth/signup", method: .post,
                    body: ByteBuffer(string: #"{"email":"ADA@example.com","password":"another one"}"#)
                ) { #expect($0.status == .conflict) }
                try await client.execute(
                    uri: "/auth/signup", method: .post, body: ByteBuffer(string: #"{"email":"bob@example.com"}"#)
                ) {
                    #expect($0.status == .badRequest)
                }
            }
            group.cancelAll()
        }
    }

    @Test func keywordsArePro() async throws {
        let app = try makeApp()
        try await Application(router: app.router()).test(.router) { client in
            let session = try await client.execute(
                uri: "/auth/signup", method: .post,
                body: ByteBuffer(string: #"{"email":"bo@example.com","password":"long enough"}"#)
            ) { try decode(Token.self, $0) }
            let auth: HTTPFields = bearerHeaders(token: session.token)
            let request = ByteBuffer(string: #"{"text":\#(jsonString(article)),"count":2}"#)
            try await client.execute(uri: "/api/keywords", method: .post, headers: auth, body: request) { response in
                #expect(response.status == .forbidden)
            }
            try await app.subscriptions.set(PlanSubscription(plan: "pro", status: .active), for: session.user_id)
            try await client.execute(uri: "/api/keywords", method: .post, headers: auth, body: request) { response in
                #expect(response.status == .ok)
                let keywords = try decode(Keywords.self, response).keywords
                #expect(keywords == ["swift", "server"])
            }
        }
    }

    @Test func aConfiguredModelWritesTheSummaryAndItsFailureFallsBack() async throws {
        let model = ScriptedModel(steps: [.reply("Swift servers are practical."), .fail(URLError(.timedOut))])
        let worker = SummarizeWorker(model: model, logger: Logger(label: "test"))
        let job = Job(
            id: 1, queue: "summarize", payload: "{}", status: .processing, attempt: 1, maxAttempts: 5, runAfter: Date(),
            createdAt: Date(), updatedAt: Date())
        let first = try await worker.process(SummaryRequest(text: article), job: job)
        #expect(first == Summary(summary: "Swift servers are practical.", method: "model"))
        let second = try await worker.process(SummaryRequest(text: article, sentences: 1), job: job)
        #expect(second.method == "extractive")
        #expect(second.summary == SummarizeWorker.extractive(article, sentences: 1))
    }

    @Test func theExtractiveSummaryKeepsTheRichestSentencesInOrder() {
        let text = "Alpha beta gamma. Unrelated words here. Alpha beta again. Gamma alpha beta!"
        #expect(SummarizeWorker.extractive(text, sentences: 2) == "Alpha beta gamma. Gamma alpha beta!")
        #expect(SummarizeWorker.extractive("One sentence only", sentences: 3) == "One sentence only")
    }

    /// The whole application — HTTP server and worker pool — on a live loopback port.
    @Test func theServerAndItsWorkersRunTogetherOverLoopback() async throws {
        let app = try makeApp()
        try await app.application().test(.live) { client in
            let token = try await client.execute(
                uri: "/auth/signup", method: .post,
                body: ByteBuffer(string: #"{"email":"cy@example.com","password":"long enough"}"#)
            ) { try decode(Token.self, $0).token }
            let auth: HTTPFields = bearerHeaders(token: token)
            struct Accepted: Decodable { var job_id: Int64; var status_url: String }
            let accepted = try await client.execute(
                uri: "/api/summaries", method: .post, headers: auth,
                body: ByteBuffer(string: #"{"text":"Short. Text."}"#)
            ) { try decode(Accepted.self, $0) }
            #expect(try await eventually { try await app.jobs.job(id: accepted.job_id)?.status == .completed })
            try await client.execute(uri: "/api/me", method: .get, headers: auth) { response in
                struct Me: Decodable {
                    struct Usage: Decodable { var used: Int; var limit: Int }
                    var plan: String
                    var usage: Usage
                }
                let me = try decode(Me.self, response)
                #expect(me.plan == "free" && me.usage.used == 1 && me.usage.limit == 20)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"route="/api/summaries""#))
            }
        }
    }
}
