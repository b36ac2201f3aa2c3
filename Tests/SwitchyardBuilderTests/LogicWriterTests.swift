import Foundation
import Logging
import SwitchyardFakeLLM
import SwitchyardLLM
import SwitchyardModel
import Testing

@testable import SwitchyardBuilder

/// Logic files written by a model (`[build.llm]`), against the fake server: the reply is used
/// only when it parses, keeps the file's declarations and passes the check; it is recorded, so
/// a rebuild is `identical` and asks nothing.
@Suite struct LogicWriterTests {
    static let logic = BuildTests.agentLogic

    /// The file the request asks to complete, as the prompt shows it.
    static func fileInPrompt(_ request: FakeLLMServer.RecordedRequest) -> String {
        let message = request.lastMessage
        guard let start = message.range(of: "\(logic):\n```swift\n") else { return "" }
        let rest = message[start.upperBound...]
        return String(rest[..<(rest.range(of: "```")?.lowerBound ?? rest.endIndex)])
    }

    /// A reply that keeps the file and adds a line to the function's body: a model that did
    /// its job, as far as the builder can tell.
    static let implement: @Sendable (FakeLLMServer.RecordedRequest) -> String = { request in
        let file = fileInPrompt(request).replacingOccurrences(
            of: "        Placeholder.unimplemented(",
            with: "        // the model's code\n        Placeholder.unimplemented(")
        return "Here it is:\n```swift\n\(file)```\n"
    }

    func writer(_ baseURL: String, validate: LogicWriter.Validation? = nil) throws -> LogicWriter {
        let settings = LLMSettings(provider: .anthropic, model: "fake-model", baseURL: baseURL)
        let model = try #require(try settings.makeModel(environment: [:], logger: Logger(label: "test")))
        return validate.map { LogicWriter(model: model, validate: $0) } ?? LogicWriter(model: model)
    }

    func builder(_ app: ScratchApp, _ writer: LogicWriter) -> Builder {
        Builder(root: app.root, git: app.git, generator: StandardGenerator(), logicWriter: writer)
    }

    @Test func aModelsAcceptedCodeIsWrittenRecordedAndNeverAskedForAgain() async throws {
        let app = try ScratchApp()
        let server = FakeLLMServer(otherwise: .respond(Self.implement))
        try await server.withRunning { baseURL in
            let builder = builder(app, try writer(baseURL))
            let outcome = try await builder.build("greenhouse")
            #expect(outcome.refusals.isEmpty)
            let action = try #require(outcome.actions.first { $0.path == Self.logic })
            #expect(action.status == .create)
            #expect(action.note?.contains("written by anthropic:fake-model") == true)
            #expect(try app.read(Self.logic).contains("// the model's code"))
            let asked = server.requests.count
            #expect(asked >= 2, "one request per logic file (frost_guard, irrigation_planner, updates, …)")
            let request = try #require(server.requests.first { Self.fileInPrompt($0).contains("extension FrostGuard") })
            #expect(request.lastMessage.contains("Ask for heat below 5 °C"), "the plan's prose is in the prompt")
            #expect(request.lastMessage.contains("Sources/Greenhouse/Agents/FrostGuard.swift"), "and the wiring")
            let manifest = try Manifest.load(root: app.root)
            #expect(manifest.files[Self.logic]?.writer == "anthropic:fake-model")
            #expect(manifest.files[Self.logic]?.source != nil)

            let again = try await builder.build("greenhouse")
            #expect(app.statuses(again)[Self.logic] == .identical)
            #expect(again.commits.isEmpty)
            #expect(server.requests.count == asked, "a rebuild asks the model nothing")

            try app.remove(Self.logic)
            try app.commitAll("remove the logic")
            let restored = try await builder.build("greenhouse")
            #expect(app.statuses(restored)[Self.logic] == .create)
            #expect(try app.read(Self.logic).contains("// the model's code"), "restored from the recorded blob")
            #expect(server.requests.count == asked, "restoring asks the model nothing")
        }
    }

    /// Each unacceptable reply leaves the placeholder file, with the reason in the report.
    @Test(arguments: [
        ("```swift\nextension FrostGuard {\n    func output(for trigger: Reading) -> {\n}\n```", "does not parse"),
        ("```swift\nimport SwitchyardAgents\n\nextension FrostGuard {}\n```", "drops or changes"),
        ("```swift\nimport Network\n```", "drops"),
    ])
    func anUnacceptableReplyLeavesThePlaceholder(reply: String, reason: String) async throws {
        let app = try ScratchApp()
        let server = FakeLLMServer(otherwise: .reply(reply))
        try await server.withRunning { baseURL in
            let outcome = try await builder(app, try writer(baseURL)).build("greenhouse")
            let action = try #require(outcome.actions.first { $0.path == Self.logic })
            #expect(action.note?.contains("placeholder: ") == true)
            #expect(action.note?.contains(reason) == true, "\(action.note ?? "")")
            #expect(try app.read(Self.logic).contains("Placeholder.unimplemented("))
            #expect(try Manifest.load(root: app.root).files[Self.logic]?.writer == nil)
        }
    }

    @Test func anImportTheAppLacksIsRefused() {
        let placeholder = "import SwitchyardAgents\n\nenum Logic {\n    static func f() -> Int { 0 }\n}\n"
        let candidate = "import SwitchyardAgents\nimport Network\n\nenum Logic {\n    static func f() -> Int { 1 }\n}\n"
        #expect(
            LogicWriter.problem(with: candidate, replacing: placeholder, path: "L.swift")?.contains("Network") == true)
        #expect(LogicWriter.problem(with: placeholder, replacing: placeholder, path: "L.swift") == nil)
    }

    @Test func codeThatFailsTheCheckLeavesThePlaceholder() async throws {
        let app = try ScratchApp()
        let server = FakeLLMServer(otherwise: .respond(Self.implement))
        try await server.withRunning { baseURL in
            let strict = try writer(baseURL) { _, text, _ in
                text.contains("// the model's code") ? ["SY-CHECK-004: an unstructured Task"] : []
            }
            let outcome = try await builder(app, strict).build("greenhouse")
            let action = try #require(outcome.actions.first { $0.path == Self.logic })
            #expect(action.note?.contains("fails switchyard check: SY-CHECK-004") == true)
            #expect(try !app.read(Self.logic).contains("// the model's code"))
        }
    }

    /// The default validation is `switchyard check`: an unstructured task in the model's code
    /// (SY-CHECK-004) keeps the placeholder.
    @Test func theModelsCodeMustPassSwitchyardCheck() async throws {
        let app = try ScratchApp()
        let unstructured: @Sendable (FakeLLMServer.RecordedRequest) -> String = { request in
            let file = Self.fileInPrompt(request).replacingOccurrences(
                of: "        Placeholder.unimplemented(",
                with: "        Task { print(1) }\n        return Placeholder.unimplemented(")
            return "```swift\n\(file)```\n"
        }
        let server = FakeLLMServer(otherwise: .respond(unstructured))
        try await server.withRunning { baseURL in
            let outcome = try await builder(app, try writer(baseURL)).build("greenhouse")
            let action = try #require(outcome.actions.first { $0.path == Self.logic })
            #expect(action.note?.contains("fails switchyard check: SY-CHECK-004") == true, "\(action.note ?? "")")
            #expect(try !app.read(Self.logic).contains("Task {"))
        }
    }

    @Test func aFailedCallLeavesThePlaceholderAndSaysWhyWithoutSecrets() async throws {
        let app = try ScratchApp()
        let server = FakeLLMServer(
            otherwise: .raw(
                status: 401,
                body: #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#))
        try await server.withRunning { baseURL in
            let outcome = try await builder(app, try writer(baseURL)).build("greenhouse")
            #expect(outcome.refusals.isEmpty, "a model's failure never fails the build")
            let action = try #require(outcome.actions.first { $0.path == Self.logic })
            #expect(action.note?.contains("placeholder: the model call failed") == true, "\(action.note ?? "")")
            #expect(try app.read(Self.logic).contains("Placeholder.unimplemented("))
        }
    }

    @Test func aPlanWithoutAModelNeverAsks() async throws {
        let app = try ScratchApp()
        let outcome = try await app.builder.build("greenhouse")
        let action = try #require(outcome.actions.first { $0.path == Self.logic })
        #expect(action.note == nil)
        #expect(try app.read(Self.logic).contains("Placeholder.unimplemented("))
    }

    @Test func theReplysCodeIsTheFirstFencedBlock() {
        #expect(LogicWriter.code(in: "Sure.\n```swift\nlet a = 1\n```\nmore\n```\nlet b = 2\n```") == "let a = 1\n")
        #expect(LogicWriter.code(in: "let a = 1\n\n") == "let a = 1\n")
    }
}

/// A generator whose output does not parse: the build refuses before writing.
struct BrokenGenerator: FeatureGenerator {
    func files(for plan: Plan) -> [GeneratedFile] {
        var files = StandardGenerator().files(for: plan)
        let index = files.firstIndex { $0.path.hasSuffix(".swift") && $0.fileClass == .generated }!
        files[index].contents += "\nfunc broken( {\n"
        return files
    }
}

@Suite struct RenderedSwiftTests {
    @Test func aRenderedFileThatDoesNotParseRefusesTheWholeBuild() async throws {
        let app = try ScratchApp()
        let before = try app.snapshot()
        let builder = Builder(root: app.root, git: app.git, generator: BrokenGenerator())
        let outcome = try await builder.build("greenhouse")
        let refusal = try #require(outcome.refusals.first { $0.reason == .invalidSwift })
        #expect(refusal.message.contains("does not parse"))
        #expect(outcome.exitStatus(for: .write) == 2)
        #expect(try app.snapshot() == before, "nothing is written")
    }
}
