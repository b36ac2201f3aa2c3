import Foundation
import SwitchyardBuilder
import SwitchyardTesting
import Testing

/// `switchyard build` as a process, with its standard input closed (as in CI): a refusal never
/// prompts, exits 2 and leaves the tree, the index and the branch as they were.
@Suite struct BuildProcessTests {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../..").standardized
    static let identity = [
        "GIT_AUTHOR_NAME": "Switchyard Tests", "GIT_AUTHOR_EMAIL": "tests@switchyard.invalid",
        "GIT_COMMITTER_NAME": "Switchyard Tests", "GIT_COMMITTER_EMAIL": "tests@switchyard.invalid",
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    ]
    static let agent = "Sources/Kitchen/Agents/StockWatcher.swift"
    static let plan = "docs/plans/kitchen-service.md"

    /// Runs `switchyard` with stdin closed; its exit status and output.
    static func switchyard(_ arguments: [String]) async throws -> (status: Int32, output: [String]) {
        let child = try ChildProcess(
            builtExecutable("switchyard"), arguments: arguments, environment: identity, closingStandardInput: true)
        let (_, status) = try await child.exit(within: .seconds(120))
        return (status, await child.lines.collected())
    }

    /// A Kitchen app from `switchyard new`, built once from the Kitchen example's plan.
    static func builtApp() async throws -> (root: URL, git: Git) {
        let root = try temporaryFolder("switchyard-build-process").appending(path: "kitchen")
        let git = Git(root: root, environment: identity)
        let new = try await switchyard([
            "new", "Kitchen", "--track", "Multi-Agent", "--path", root.path, "--switchyard-path", repository.path,
        ])
        try #require(new.status == 0, "\(new.output)")
        let example = repository.appending(path: "Examples/Kitchen/docs")
        for document in ["plans/kitchen-service.md", "decisions/kitchen-service.md"] {
            var text = try String(contentsOf: example.appending(path: document), encoding: .utf8)
            text = text.replacingOccurrences(of: "app: KitchenDemo\n", with: "app: Kitchen\n")
            try write(text, to: root.appending(path: "docs/\(document)"))
        }
        try git.run(["add", "docs"])
        try git.run(["commit", "-q", "-m", "plan"])
        let build = try await switchyard(["build", "kitchen-service", "--root", root.path])
        try #require(build.status == 0, "\(build.output)")
        return (root, git)
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// HEAD, the branch, `git status`, and every file's bytes.
    static func state(_ root: URL, _ git: Git) throws -> [String] {
        var state = [
            try git.run(["rev-parse", "HEAD"]), try git.run(["branch", "--show-current"]),
            try git.run(["status", "--porcelain", "--untracked-files=all"]),
        ]
        let files = try git.run(["ls-files", "--cached", "--others", "--exclude-standard"])
            .split(separator: "\n").map(String.init).sorted()
        for path in files {
            let data = FileManager.default.contents(atPath: root.appending(path: path).path)
            state.append(path + " " + (data.map { Git.blobID(of: $0) } ?? "absent"))
        }
        return state
    }

    /// A plan change to the stock watcher's responsibility (its generated file changes).
    static func changePlan(_ root: URL, _ git: Git) throws {
        let url = root.appending(path: plan)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = text.replacingOccurrences(
            of: "| Order one lot of every pantry ingredient", with: "| Reorder one lot of every pantry ingredient")
        try #require(changed != text)
        try write(changed, to: url)
        try git.run(["commit", "-q", "-am", "plan: reorder"])
    }

    enum Case: String, CaseIterable, Sendable {
        case dirty, conflict, forbidden
    }

    @Test(arguments: Case.allCases)
    func aRefusalExitsTwoWithTheTreeUnchanged(_ refusal: Case) async throws {
        let (root, git) = try await Self.builtApp()
        let agent = root.appending(path: Self.agent)
        switch refusal {
        case .dirty:
            try FileManager.default.removeItem(at: agent)  // not committed: the build would make it again
        case .conflict:
            try Self.write(try String(contentsOf: agent, encoding: .utf8) + "// mine\n", to: agent)
            try git.run(["commit", "-q", "-am", "edit the agent"])
            try Self.changePlan(root, git)
        case .forbidden:
            let toml = root.appending(path: "switchyard.toml")
            try Self.write(
                try String(contentsOf: toml, encoding: .utf8)
                    + "\n[build]\nprotect = [\"Sources/Kitchen/Agents/**\"]\n",
                to: toml)
            try git.run(["commit", "-q", "-am", "protect the agents"])
            try Self.changePlan(root, git)
        }
        let before = try Self.state(root, git)
        let (status, output) = try await Self.switchyard(["build", "kitchen-service", "--root", root.path])
        #expect(status == 2, "\(output)")
        #expect(output.contains("refused, nothing was written:"), "\(output)")
        #expect(output.contains { $0.contains("\(Self.agent): \(refusal.rawValue):") }, "\(output)")
        #expect(try Self.state(root, git) == before)
    }
}
