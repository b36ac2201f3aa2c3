import Foundation
import SwitchyardBuilder
import Testing

@Suite struct NewAppTests {
    static let author = [
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    ]

    /// A fresh temporary folder, with a fake Switchyard checkout in `switchyard/`.
    static func sandbox() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appending(path: "newapp-\(UUID().uuidString)")
        let switchyard = root.appending(path: "switchyard")
        try FileManager.default.createDirectory(at: switchyard, withIntermediateDirectories: true)
        try Data(#"let package = Package(name: "Switchyard")"#.utf8).write(
            to: switchyard.appending(path: "Package.swift"))
        return root
    }

    @Test(arguments: Plan.Track.allCases)
    func filesHaveTheirPathsTheRelativeSwitchyardPathAndEveryAnchor(track: Plan.Track) throws {
        let files = NewApp.files(name: "Greenhouse", track: track, switchyardPath: "../switchyard")
        let paths = Set(files.map(\.path))
        for path in [
            "Package.swift", "Sources/Greenhouse/Application.swift", "Sources/GreenhouseMain/main.swift",
            "Tests/GreenhouseTests/ApplicationTests.swift", "switchyard.toml", "README.md", ".ci/run", ".gitignore",
            "docs/plans/.gitkeep", "docs/decisions/.gitkeep",
        ] {
            #expect(paths.contains(path), "\(path)")
        }
        #expect(files.filter(\.executable).map(\.path) == [".ci/run"])
        let package = try #require(files.first { $0.path == "Package.swift" }).contents
        #expect(package.contains(#".package(name: "Switchyard", path: "../switchyard")"#))
        #expect(package.contains(#".executable(name: "greenhouse""#))
        for file in files {
            #expect(!file.contents.contains("/tmp/") && !file.contents.contains("/work/"), "\(file.path)")
        }
        let application = try #require(files.first { $0.path == "Sources/Greenhouse/Application.swift" }).contents
        let expected =
            track == .multiAgent
            ? ["features", "state", "pure-agents", "llm-agents", "coordinator"]
            : ["schema", "utilities", "workers-and-proxies", "middleware"]
        #expect(SharedMarkers.anchors(in: application, path: "Application.swift") == expected)
        for anchor in expected {
            #expect(application.contains("\n        // switchyard:anchor \(anchor)\n"))
        }
        if track == .pipeline {
            let toml = try #require(files.first { $0.path == "switchyard.toml" }).contents
            #expect(SharedMarkers.anchors(in: toml, path: "switchyard.toml") == ["config"])
            #expect(toml.contains(#"path = "greenhouse.sqlite""#))
        }
    }

    @Test func writingMakesOneCommitOfExactlyTheFilesWithTheSameBytesInAnyFolder() throws {
        let root = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let switchyard = root.appending(path: "switchyard")
        let first = root.appending(path: "a/greenhouse")
        let second = root.appending(path: "b/greenhouse")
        let written = try NewApp.create(
            name: "Greenhouse", track: .multiAgent, in: first, switchyard: switchyard, gitEnvironment: Self.author)
        try NewApp.create(
            name: "Greenhouse", track: .multiAgent, in: second, switchyard: switchyard, gitEnvironment: Self.author)
        let git = Git(root: first, environment: Self.author)
        #expect(try git.run(["rev-list", "--count", "HEAD"]) == "1\n")
        #expect(try git.run(["log", "-1", "--format=%s"]) == "switchyard new Greenhouse (Multi-Agent)\n")
        let committed = try git.run(["ls-tree", "-r", "--name-only", "HEAD"]).split(separator: "\n").map(String.init)
        #expect(committed == written.map(\.path).sorted())
        #expect(try git.dirtyPaths().isEmpty)
        for file in written {
            let a = try Data(contentsOf: first.appending(path: file.path))
            let b = try Data(contentsOf: second.appending(path: file.path))
            #expect(a == b, "\(file.path)")
            #expect(a == Data(file.contents.utf8), "\(file.path)")
        }
        let package = try String(contentsOf: first.appending(path: "Package.swift"), encoding: .utf8)
        #expect(package.contains(#"path: "../../switchyard")"#))
        let mode = try FileManager.default.attributesOfItem(atPath: first.appending(path: ".ci/run").path)[
            .posixPermissions]
        #expect((mode as? Int) == 0o755)
    }

    @Test func aNonEmptyFolderIsRefusedAndLeftUntouched() throws {
        let root = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appending(path: "app")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: folder.appending(path: "notes.txt"))
        #expect {
            try NewApp.create(
                name: "Greenhouse", track: .pipeline, in: folder, switchyard: root.appending(path: "switchyard"),
                gitEnvironment: Self.author)
        } throws: { ($0 as? NewApp.Refusal)?.kind == .folderNotEmpty }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test func aMissingSwitchyardIsRefusedAndNothingIsWritten() throws {
        let root = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appending(path: "app")
        #expect {
            try NewApp.create(
                name: "Greenhouse", track: .pipeline, in: folder, switchyard: root.appending(path: "nowhere"))
        } throws: { ($0 as? NewApp.Refusal)?.kind == .switchyardNotFound }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    @Test func badNamesAreRefusedWithTheUpperCamelCaseForm() throws {
        let root = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appending(path: "app")
        #expect {
            try NewApp.create(
                name: "green-house", track: .multiAgent, in: folder, switchyard: root.appending(path: "switchyard"))
        } throws: { error in
            guard let refusal = error as? NewApp.Refusal else { return false }
            return refusal.kind == .badName && refusal.message.contains(#"did you mean "GreenHouse"?"#)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(throws: NewApp.Refusal.self) { try NewApp.checkName("greenhouse") }
        #expect(throws: NewApp.Refusal.self) { try NewApp.checkName("Green_house") }
        #expect(throws: NewApp.Refusal.self) { try NewApp.checkName("SwitchyardApp") }
        #expect(throws: NewApp.Refusal.self, "a target of Switchyard's own package") {
            try NewApp.checkName("KitchenDemo")
        }
        for name in ["PubSub", "Supervisor", "Tick", "String"] {
            #expect(throws: NewApp.Refusal.self, "a type the app's code uses") { try NewApp.checkName(name) }
        }
        #expect(NewApp.suggestedName(for: "greenhouse") == "Greenhouse")
        #expect(NewApp.suggestedName(for: "my_app2") == "MyApp2")
        try NewApp.checkName("Greenhouse")
    }

    @Test func relativePaths() {
        #expect(
            NewApp.relativePath(from: URL(filePath: "/x/apps/a"), to: URL(filePath: "/x/switchyard"))
                == "../../switchyard")
        #expect(NewApp.relativePath(from: URL(filePath: "/x"), to: URL(filePath: "/x")) == ".")
        #expect(NewApp.relativePath(from: URL(filePath: "/x"), to: URL(filePath: "/x/s")) == "s")
    }
}
