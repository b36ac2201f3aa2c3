import Foundation
import SwitchyardTesting
import Testing

@testable import SwitchyardBuilder

/// `switchyard build` on a scratch repository: branch, commits, manifest, and every status.
@Suite struct BuildTests {
    static let stages = ["content", "state", "pure-agents", "llm-agents", "coordinator", "supervisor"]
    static let agentFile = "Sources/Greenhouse/Agents/FrostGuard.swift"
    static let agentLogic = "Sources/Greenhouse/Logic/FrostGuardLogic.swift"
    static let application = "Sources/Greenhouse/Application.swift"

    @Test func theFirstBuildCommitsEachStageOnTheFeatureBranchWithExactlyItsPaths() async throws {
        let app = try ScratchApp()
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.exitStatus(for: .write) == 0)
        #expect(try app.git.currentBranch() == "feature/greenhouse")
        // No content table: no content commit.
        #expect(outcome.commits.map(\.stage) == ["state", "pure-agents", "llm-agents", "coordinator", "supervisor"])
        #expect(try app.subjects().prefix(5).reversed() == outcome.commits.map { "build(greenhouse): \($0.stage)" })
        for commit in outcome.commits {
            let files = try app.git.run(["show", "--name-only", "--format=", commit.id]).split(separator: "\n").map(
                String.init)
            let planned = outcome.actions.filter { $0.stage.rawValue == commit.stage && $0.changesDisk }.map(\.path)
            #expect(Set(files) == Set(planned + [Manifest.path]), "commit \(commit.stage)")
            let message = try app.git.run(["show", "-s", "--format=%B", commit.id])
            #expect(message.contains("Switchyard-Stage: \(commit.stage)"))
            #expect(
                message.contains(
                    "Switchyard-Plan: \(try PlanDocuments(feature: "greenhouse", root: app.root).planBlob)"))
        }
        let statuses = app.statuses(outcome)
        #expect(statuses[Self.agentFile] == .create)
        #expect(statuses[Self.agentLogic] == .create)
        #expect(statuses[Self.application + "#supervisor"] == .insert)
        #expect(try app.git.run(["status", "--porcelain"]).isEmpty, "nothing left uncommitted")
        let manifest = try Manifest.load(root: app.root)
        #expect(manifest.files[Self.agentFile]?.fileClass == .generated)
        #expect(manifest.files[Self.agentLogic]?.fileClass == .logic)
        #expect(manifest.files[Self.application]?.entries?.keys.sorted().first == "greenhouse coordinator")
    }

    @Test func aSecondBuildChangesNothingAndCommitsNothing() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let before = try app.snapshot()
        let head = try app.git.run(["rev-parse", "HEAD"])
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.commits.isEmpty)
        #expect(try app.git.run(["rev-parse", "HEAD"]) == head)
        #expect(try app.snapshot() == before)
        #expect(Set(outcome.actions.map(\.status)) == [.identical], "unedited logic files too")
        #expect(!outcome.hasDrift)
        #expect(try app.builder.plan("greenhouse", options: .init(mode: .check)).exitStatus(for: .check) == 0)
    }

    @Test func theSamePlanGivesTheSameTreeInAnyFolder() async throws {
        let first = try ScratchApp()
        let second = try ScratchApp()
        _ = try await first.builder.build("greenhouse")
        _ = try await second.builder.build("greenhouse")
        #expect(try first.snapshot() == second.snapshot())
        for (path, data) in try first.snapshot() {
            #expect(!String(decoding: data, as: UTF8.self).contains(first.root.path), "\(path) holds no absolute path")
        }
    }

    @Test func aPlanChangeUpdatesUneditedFilesAndLeavesEditedLogicToTheUser() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        func plan(below degrees: Int) throws {
            try app.write(
                "docs/plans/greenhouse.md",
                ScratchApp.greenhouse.replacingOccurrences(
                    of: "Ask for heat below 5 °C", with: "Ask for heat below \(degrees) °C"))
            try app.commitAll("plan: \(degrees) °C")
        }
        try plan(below: 4)
        let check = try app.builder.plan("greenhouse", options: .init(mode: .check))
        #expect(check.documentsChanged)
        #expect(check.exitStatus(for: .check) == 1)
        let outcome = try await app.builder.build("greenhouse")
        let statuses = app.statuses(outcome)
        #expect(statuses[Self.agentFile] == .update)
        #expect(statuses[Self.agentLogic] == .update, "nobody edited the placeholder: it follows the plan")
        #expect(try app.read(Self.agentFile).contains("below 4 °C"))
        #expect(try app.read(Self.agentLogic).contains("below 4 °C"))

        try app.write(Self.agentLogic, try app.read(Self.agentLogic) + "// mine\n")
        try app.commitAll("logic: mine")
        try plan(below: 3)
        let again = try await app.builder.build("greenhouse")
        #expect(app.statuses(again)[Self.agentLogic] == .skip)
        #expect(try app.read(Self.agentLogic).contains("// mine"), "an edited logic file is the user's")
        #expect(try !app.read(Self.agentLogic).contains("below 3 °C"))
        #expect(try app.read(Self.agentFile).contains("below 3 °C"))
    }

    @Test func anEditOfAGeneratedFileIsKeptWhileThePlanDoesNotChangeIt() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let edited = try app.read(Self.agentFile) + "// mine\n"
        try app.write(Self.agentFile, edited)
        try app.commitAll("edit")
        let outcome = try await app.builder.build("greenhouse")
        #expect(app.statuses(outcome)[Self.agentFile] == .keep)
        #expect(outcome.exitStatus(for: .write) == 0)
        #expect(try app.read(Self.agentFile) == edited)
    }

    static func conflictingApp() async throws -> ScratchApp {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        try app.write(Self.agentFile, try app.read(Self.agentFile) + "// mine\n")
        try app.write(
            "docs/plans/greenhouse.md",
            ScratchApp.greenhouse.replacingOccurrences(of: "Ask for heat below 5 °C", with: "Ask for heat below 4 °C"))
        try app.commitAll("edit and plan")
        return app
    }

    @Test func anEditAndAPlanChangeConflictAndTheBuildWritesNothing() async throws {
        let app = try await Self.conflictingApp()
        let before = try app.snapshot()
        let head = try app.git.run(["rev-parse", "HEAD"])
        let outcome = try await app.builder.build("greenhouse")
        #expect(app.statuses(outcome)[Self.agentFile] == .conflict)
        #expect(outcome.exitStatus(for: .write) == 2)
        #expect(outcome.refusals.map(\.reason) == [.conflict])
        #expect(try app.snapshot() == before)
        #expect(try app.git.run(["rev-parse", "HEAD"]) == head)
    }

    @Test func mergeSettlesAConflictThatMergesCleanly() async throws {
        let app = try await Self.conflictingApp()
        let outcome = try await app.builder.build("greenhouse", options: .init(merge: true))
        #expect(app.statuses(outcome)[Self.agentFile] == .merged)
        let merged = try app.read(Self.agentFile)
        #expect(merged.contains("below 4 °C") && merged.hasSuffix("// mine\n"))
    }

    @Test func forceOverwritesOnlyTheMatchingGeneratedPaths() async throws {
        let app = try await Self.conflictingApp()
        let outcome = try await app.builder.build("greenhouse", options: .init(force: ["Sources/Greenhouse/Agents/*"]))
        #expect(app.statuses(outcome)[Self.agentFile] == .update)
        #expect(try !app.read(Self.agentFile).contains("// mine"))
        let other = try await Self.conflictingApp()
        let refused = try await other.builder.build(
            "greenhouse", options: .init(force: ["Sources/Greenhouse/Coordinator/*"]))
        #expect(refused.exitStatus(for: .write) == 2)
    }

    /// An owned path the build would write with uncommitted changes (here, a deletion), or
    /// an uncommitted manifest, refuses the build: the user's work in progress is never mixed
    /// into a stage's commit.
    @Test func aDirtyOwnedPathRefusesTheBuild() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        try app.remove(Self.agentFile)
        let before = try app.snapshot()
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.refusals.map(\.reason) == [.dirty])
        #expect(outcome.refusals.first?.path == Self.agentFile)
        #expect(outcome.exitStatus(for: .write) == 2)
        #expect(try app.snapshot() == before)

        try app.git.run(["checkout", "--", Self.agentFile])
        try app.write(Manifest.path, try app.read(Manifest.path) + " ")
        let manifest = try await app.builder.build("greenhouse")
        #expect(manifest.refusals.map(\.path) == [Manifest.path])
        #expect(manifest.refusals.map(\.reason) == [.dirty])
    }

    @Test func aProtectedPathIsForbiddenAndTheWholeBuildIsRefused() async throws {
        let app = try ScratchApp()
        try app.write("switchyard.toml", "[build]\nprotect = [\"Sources/Greenhouse/Agents/Frost*\"]\n")
        try app.commitAll("protect")
        let before = try app.snapshot()
        let outcome = try await app.builder.build("greenhouse")
        #expect(app.statuses(outcome)[Self.agentFile] == .forbidden)
        #expect(
            outcome.refusals.first?.message
                == "`[build] protect` in switchyard.toml keeps this path from the builder (Sources/Greenhouse/Agents/Frost*)"
        )
        #expect(outcome.exitStatus(for: .write) == 2)
        #expect(try app.snapshot() == before)
        #expect(try app.git.currentBranch() == "main")
    }

    @Test func aRemovedAgentIsStaleAndPruneRemovesItUnlessEdited() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let withoutFrostGuard = ScratchApp.greenhouse.replacingOccurrences(
            of: "| frost_guard | pure | greenhouse:reading | Ask for heat below 5 °C | heat(on: Bool) | — |\n", with: ""
        )
        try app.write("docs/plans/greenhouse.md", withoutFrostGuard)
        try app.commitAll("no frost guard")
        let kept = try await app.builder.build("greenhouse")
        #expect(app.statuses(kept)[Self.agentFile] == .stale)
        #expect(FileManager.default.fileExists(atPath: app.root.appending(path: Self.agentFile).path))
        #expect(try app.builder.plan("greenhouse", options: .init(mode: .check)).exitStatus(for: .check) == 1)
        let pruned = try await app.builder.build("greenhouse", options: .init(prune: true))
        #expect(pruned.actions.first { $0.path == Self.agentFile }?.note == "removed")
        #expect(!FileManager.default.fileExists(atPath: app.root.appending(path: Self.agentFile).path))
    }

    /// Every kind of drift `--check` must catch, made on a built tree and committed.
    enum Drift: String, CaseIterable, Sendable {
        case planEdited, decisionsEdited, generatedFileRemoved, logicFileRemoved, sharedEntriesRemoved
        case generatorChanged, staleFile
    }

    @Test(arguments: Drift.allCases)
    func checkCatchesEachKindOfDrift(_ drift: Drift) async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        #expect(try app.builder.plan("greenhouse", options: .init(mode: .check)).exitStatus(for: .check) == 0)
        let application = "Sources/Greenhouse/Application.swift"
        var expected: (path: String, status: FileStatus)?
        switch drift {
        case .planEdited:
            try app.write("docs/plans/greenhouse.md", ScratchApp.greenhouse + "\nA closing remark.\n")
        case .decisionsEdited:
            try app.write("docs/decisions/greenhouse.md", ScratchApp.greenhouseDecisions + "\nSettled in review.\n")
        case .generatedFileRemoved:
            try app.remove(Self.agentFile)
            expected = (Self.agentFile, .create)
        case .logicFileRemoved:
            try app.remove(Self.agentLogic)
            expected = (Self.agentLogic, .create)
        case .sharedEntriesRemoved:
            let lines = try app.read(application).split(separator: "\n", omittingEmptySubsequences: false)
            var inside = false
            let kept = lines.filter { line in
                if line.contains("switchyard:begin greenhouse") { inside = true }
                defer { if line.contains("switchyard:end greenhouse") { inside = false } }
                return !inside
            }
            try #require(kept.count < lines.count)
            try app.write(application, kept.joined(separator: "\n"))
            expected = (application + "#supervisor", .insert)
        case .generatorChanged:
            // What an older generator wrote, recorded as such: unedited, so the plan's output replaces it.
            let older = try app.read(Self.agentFile) + "// an older generator's line\n"
            try app.write(Self.agentFile, older)
            var manifest = try Manifest.load(root: app.root)
            manifest.files[Self.agentFile]?.blob = Git.blobID(of: Data(older.utf8))
            try app.write(Manifest.path, manifest.encoded())
            expected = (Self.agentFile, .update)
        case .staleFile:
            let old = "Sources/Greenhouse/Agents/RetiredAgent.swift"
            try app.write(old, "struct RetiredAgent {}\n")
            var manifest = try Manifest.load(root: app.root)
            manifest.files[old] = manifest.files[Self.agentFile]
            manifest.files[old]?.blob = Git.blobID(of: Data("struct RetiredAgent {}\n".utf8))
            try app.write(Manifest.path, manifest.encoded())
            expected = (old, .stale)
        }
        try app.commitAll("drift: \(drift)")
        let check = try app.builder.plan("greenhouse", options: .init(mode: .check))
        #expect(check.hasDrift)
        #expect(check.exitStatus(for: .check) == 1)
        if let expected {
            #expect(app.statuses(check)[expected.path] == expected.status)
        } else {
            #expect(check.documentsChanged)
        }
    }

    @Test func aSecondFeatureKeepsTheFirstsEntriesInTheSharedFile() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let second = Self.nurseryPlan
        try app.write("docs/plans/nursery.md", second)
        try app.write(
            "docs/decisions/nursery.md",
            ScratchApp.greenhouseDecisions.replacingOccurrences(of: "greenhouse", with: "nursery"))
        try app.commitAll("nursery plan")
        let outcome = try await app.builder.build("nursery")
        #expect(outcome.exitStatus(for: .write) == 0, "\(outcome.refusals)")
        let text = try app.read(Self.application)
        #expect(
            text.contains("// switchyard:begin greenhouse state") && text.contains("// switchyard:begin nursery state"))
        #expect(
            text.range(of: "switchyard:begin greenhouse state")!.lowerBound
                < text.range(of: "switchyard:begin nursery state")!.lowerBound)
        // Rebuilding the first feature changes nothing.
        #expect(try app.builder.plan("greenhouse", options: .init(mode: .check)).hasDrift == false)
    }

    static let nurseryPlan = ScratchApp.greenhouse.replacingOccurrences(of: "greenhouse", with: "nursery")
        .replacingOccurrences(of: "app: Nursery", with: "app: Greenhouse")
        .replacingOccurrences(of: "frost_guard", with: "seedling_guard")
        .replacingOccurrences(of: "irrigation_planner", with: "mister")
        .replacingOccurrences(of: "Reading", with: "NurseryReading")
        .replacingOccurrences(of: "ClimateDirective", with: "NurseryDirective")

    @Test func aPathAnotherFeatureOwnsIsRefused() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let clash = Self.nurseryPlan.replacingOccurrences(of: "seedling_guard", with: "frost_guard")
        try app.write("docs/plans/nursery.md", clash)
        try app.write(
            "docs/decisions/nursery.md",
            ScratchApp.greenhouseDecisions.replacingOccurrences(of: "greenhouse", with: "nursery"))
        try app.commitAll("nursery plan")
        let before = try app.snapshot()
        let outcome = try await app.builder.build("nursery")
        #expect(app.statuses(outcome)[Self.agentFile] == .conflict)
        #expect(outcome.actions.first { $0.path == Self.agentFile }?.note?.contains("greenhouse") == true)
        let refusal = outcome.refusals.first { $0.path == Self.agentFile }
        #expect(
            refusal?.message.contains("--merge") == false, "neither --merge nor --force settles another feature's file")
        #expect(outcome.exitStatus(for: .write) == 2)
        #expect(try app.snapshot() == before)
    }

    @Test func aPlanWithQuestionsWritesNothing() async throws {
        let app = try ScratchApp(plan: ScratchApp.greenhouse.replacingOccurrences(of: "water every bed", with: "—"))
        let before = try app.snapshot()
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.exitStatus(for: .write) == 3)
        #expect(outcome.escalations.map(\.rule) == ["SY-PLAN-016"])
        #expect(try app.snapshot() == before)
        #expect(try app.git.currentBranch() == "main")
    }
}

extension BuildTests {
    /// A type the plan names that the app's module already declares would not compile: the
    /// build is refused, naming both files, and writes nothing.
    @Test func aTypeTheAppAlreadyDeclaresIsANameClash() async throws {
        let app = try ScratchApp()
        try app.write("Sources/Greenhouse/Sensors.swift", "struct Reading {\n    var raw: Int\n}\n")
        try app.commitAll("the user's Reading")
        let before = try app.snapshot()
        let outcome = try await app.builder.build("greenhouse")
        let clash = try #require(outcome.refusals.first { $0.reason == .nameClash })
        #expect(clash.message.contains("declares Reading, which Sources/Greenhouse/Sensors.swift declares too"))
        #expect(outcome.exitStatus(for: .write) == 2)
        #expect(try app.snapshot() == before)

        try app.remove("Sources/Greenhouse/Sensors.swift")
        try app.commitAll("no Reading")
        #expect(try await app.builder.build("greenhouse").refusals.isEmpty, "the feature's own files never clash")
        #expect(try await app.builder.build("greenhouse").refusals.isEmpty)
    }
}

extension BuildTests {
    /// A symbolic link on an owned path (a folder pointing outside the app) refuses the build:
    /// nothing is written through it.
    @Test func aSymbolicLinkOnAnOwnedPathIsRefused() async throws {
        let app = try ScratchApp()
        let outside = try temporaryFolder("switchyard-outside")
        try FileManager.default.createSymbolicLink(
            at: app.root.appending(path: "Sources/Greenhouse/Agents"), withDestinationURL: outside)
        try app.commitAll("agents elsewhere")
        let outcome = try await app.builder.build("greenhouse")
        let refusal = try #require(outcome.refusals.first { $0.path == Self.agentFile })
        #expect(refusal.reason == .forbidden)
        #expect(refusal.message.contains("Sources/Greenhouse/Agents is a symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// A manifest that names a path outside the ownership table (edited by hand, or by an
    /// attacker) cannot make `--prune` remove it.
    @Test func aManifestNamingAPathTheBuilderDoesNotOwnIsRefused() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let victim = "Tests/GreenhouseTests/Important.swift"
        let text = "// the user's test\n"
        try app.write(victim, text)
        var manifest = try Manifest.load(root: app.root)
        manifest.files[victim] = manifest.files[Self.agentFile]
        manifest.files[victim]?.blob = Git.blobID(of: Data(text.utf8))
        try app.write(Manifest.path, manifest.encoded())
        try app.commitAll("a forged manifest entry")
        let outcome = try await app.builder.build("greenhouse", options: .init(prune: true))
        #expect(outcome.refusals.map(\.path) == [victim])
        #expect(outcome.refusals.map(\.reason) == [.forbidden])
        #expect(try app.read(victim) == text)
    }
}

extension BuildTests {
    /// A name a plan gives a generated type that Swift or the runtime already has, or that two
    /// of the plan's own files would declare, refuses the build.
    @Test(arguments: [
        (
            "| greenhouse:reading | Reading | temperature: Double |",
            "| greenhouse:reading | Observation | temperature: Double |",
            "declares Observation, a type of Swift or of the Switchyard modules"
        ),
        ("- directive: ClimateDirective(", "- directive: Reading(", "of the same plan declares too"),
    ])
    func aGeneratedTypeNameThatClashesIsRefused(_ original: String, _ replacement: String, _ message: String)
        async throws
    {
        let plan = ScratchApp.greenhouse.replacingOccurrences(of: original, with: replacement)
        #expect(plan != ScratchApp.greenhouse)
        let app = try ScratchApp(plan: plan)
        let before = try app.snapshot()
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.escalations.isEmpty, "\(outcome.escalations)")
        #expect(
            outcome.refusals.contains { $0.reason == .nameClash && $0.message.contains(message) }, "\(outcome.refusals)"
        )
        #expect(try app.snapshot() == before)
    }

    /// The reserved names hold every public type of the modules generated code imports.
    @Test func theReservedNamesHoldTheRuntimesPublicTypes() throws {
        let sources = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Sources")
        var missing: [String] = []
        for module in ["SwitchyardAgents", "SwitchyardModel", "SwitchyardPlaceholder"] {
            let folder = sources.appending(path: module)
            let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            for file in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("public ") {
                    let words = line.split(separator: " ")
                    guard
                        let index = words.firstIndex(where: {
                            ["struct", "enum", "class", "actor", "protocol", "typealias"].contains($0)
                        }),
                        index + 1 < words.count
                    else { continue }
                    let name = String(words[index + 1].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    if !SwiftNames.reservedTypeNames.contains(name) { missing.append("\(module).\(name)") }
                }
            }
        }
        #expect(missing == [])
    }
}

/// Findings of an attacker's and a new user's review, each kept from coming back.
extension BuildTests {
    /// A `.switchyard` that is a symbolic link is refused before the manifest is read or written.
    @Test func aLinkedManifestFolderIsRefused() async throws {
        let app = try ScratchApp()
        let outside = try temporaryFolder("switchyard-outside")
        try FileManager.default.createSymbolicLink(
            at: app.root.appending(path: ".switchyard"), withDestinationURL: outside)
        try app.commitAll("manifest elsewhere")
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.refusals.map(\.reason) == [.forbidden])
        #expect(outcome.refusals.first?.path == Manifest.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// `--prune` removes only what a build of the feature committed, whatever the manifest says:
    /// a forged entry for a shared file or the user's file in an owned folder removes nothing.
    @Test(arguments: ["switchyard.toml", "Sources/Greenhouse/Agents/Notes.swift"])
    func pruneRemovesOnlyWhatABuildCommitted(_ path: String) async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        if path.hasSuffix("Notes.swift") { try app.write(path, "// notes\n") }
        let text = try app.read(path)
        var manifest = try Manifest.load(root: app.root)
        manifest.files[path] = manifest.files[Self.agentFile]
        manifest.files[path]?.blob = Git.blobID(of: Data(text.utf8))
        try app.write(Manifest.path, manifest.encoded())
        try app.commitAll("a forged manifest entry")
        let outcome = try await app.builder.build("greenhouse", options: .init(prune: true))
        #expect(app.statuses(outcome)[path] == .stale)
        #expect(try app.read(path) == text)
    }

    /// A stage whose commit fails (a hook) is rolled back: the earlier stages stay committed, the
    /// tree and index are clean, and the next build goes on from there.
    @Test func aFailedCommitRollsItsStageBack() async throws {
        let app = try ScratchApp()
        let hook = app.root.appending(path: ".git/hooks/pre-commit")
        try Data("#!/bin/sh\ngit diff --cached --name-only | grep -q Agents/ && exit 1\nexit 0\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.refusals.map(\.reason) == [.commitFailed])
        #expect(outcome.commits.map(\.stage) == ["state"])
        #expect(try app.git.run(["status", "--porcelain", "--untracked-files=all"]) == "")
        #expect(throws: (any Error).self) { try app.read(Self.agentFile) }
        try FileManager.default.removeItem(at: hook)
        let again = try await app.builder.build("greenhouse")
        #expect(again.refusals.isEmpty)
        #expect(again.commits.first?.stage == "pure-agents")
    }

    /// A build with nothing to commit leaves the current branch alone.
    @Test func aBuildWithNothingToCommitStaysOnTheBranch() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        try app.git.run(["switch", "-q", "-c", "elsewhere"])
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.commits.isEmpty)
        #expect(try app.git.currentBranch() == "elsewhere")
    }

    /// The plan must be committed: the commits' trailers name its blob.
    @Test func anUncommittedPlanRefusesTheBuild() async throws {
        let app = try ScratchApp()
        try app.write("docs/plans/greenhouse.md", ScratchApp.greenhouse + "\nA late remark.\n")
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.refusals.map(\.path) == ["docs/plans/greenhouse.md"])
        #expect(outcome.refusals.map(\.reason) == [.dirty])
    }

    /// A feature's shared entries the user edited, while the plan did not change them, are kept.
    @Test func editedSharedEntriesAreKept() async throws {
        let app = try ScratchApp()
        _ = try await app.builder.build("greenhouse")
        let text = try app.read(Self.application)
        let marker = "// switchyard:end greenhouse state"
        try #require(text.contains(marker))
        try app.write(Self.application, text.replacingOccurrences(of: marker, with: "// mine\n" + marker))
        try app.commitAll("edit the entries")
        let outcome = try await app.builder.build("greenhouse")
        #expect(app.statuses(outcome)[Self.application + "#supervisor"] == .keep)
        #expect(try app.read(Self.application).contains("// mine"))
    }
}

extension BuildTests {
    /// Reports show a cell's control characters as escapes: a plan cannot drive the terminal.
    @Test func reportsEscapeControlCharacters() {
        let escalation = Escalation(
            rule: .valueInvalid, subject: "s", at: SourcePosition(document: "p.md", line: 1, column: 1),
            "`\u{1B}]0;pwned\u{07}` is not a value")
        let text = EscalationReport.text([escalation])
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(text.contains("\\u{1B}]0;pwned\\u{7}"))
    }

    /// `--diff` names paths as git does: `a/Sources/…` and `b/Sources/…`.
    @Test func diffHeadersNameTheAppsPaths() async throws {
        let app = try ScratchApp()
        let outcome = try app.builder.plan("greenhouse", options: .init(mode: .dryRun))
        let diff = try BuildReport.diff(outcome, git: app.git)
        #expect(diff.contains("+++ b/\(Self.agentFile)\n"))
        #expect(!diff.contains("switchyard-diff-"))
    }
}

extension BuildTests {
    /// A feature named like one of supervisor()'s locals (`children`, `bus`…) gets its own
    /// variable: `childrenFeature`.
    @Test func aFeatureNamedLikeASupervisorLocalGetsItsOwnVariable() async throws {
        let plan = ScratchApp.greenhouse.replacingOccurrences(of: "feature: greenhouse\n", with: "feature: children\n")
        let app = try ScratchApp(plan: plan, feature: "children")
        let outcome = try await app.builder.build("children")
        #expect(outcome.refusals.isEmpty, "\(outcome.refusals)")
        let text = try app.read(Self.application)
        #expect(text.contains("let childrenFeature = ChildrenFeature("))
        #expect(text.contains("children += childrenFeature.children("))
    }
}
