import Foundation
import SwitchyardBuilder
import SwitchyardTesting
import Testing

/// Every plan rule has a fixture under Escalations/ (`SY-PLAN-NNN-name/`, an app root with
/// `docs/plans/*.md` and maybe `docs/decisions/*.md`) that raises it, and golden text and JSON
/// reports of the whole run (`expected.txt`, `expected.json`). Set SWITCHYARD_UPDATE_GOLDENS=1 to
/// rewrite the goldens from the current output (then read the diff).
@Suite struct EscalationGoldenTests {
    static let fixtures = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Escalations")
    static let updating = ProcessInfo.processInfo.environment["SWITCHYARD_UPDATE_GOLDENS"] == "1"

    static func fixture(for rule: PlanRule) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
        let matching = names.filter { $0.hasPrefix(rule.id + "-") }
        try #require(matching.count == 1, "one fixture folder named \(rule.id)-… (found \(matching))")
        return fixtures.appending(path: matching[0])
    }

    /// The files under `root` and their bytes.
    static func snapshot(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            files[String(url.path.dropFirst(root.path.count))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test(arguments: PlanRule.all)
    func theRulesFixtureRaisesItWithTheGoldenReports(_ rule: PlanRule) throws {
        let root = try Self.fixture(for: rule)
        let before = try Self.snapshot(root)
        let plans = try FileManager.default.contentsOfDirectory(atPath: root.appending(path: "docs/plans").path)
        try #require(plans.count == 1, "one plan in \(root.lastPathComponent)/docs/plans")
        let feature = String(plans[0].dropLast(".md".count))
        let reading = try PlanDocuments(feature: feature, root: root).read()

        #expect(reading.plan == nil)
        #expect(reading.escalations.contains { $0.rule == rule.id }, "the fixture raises \(rule.id)")
        #expect(reading.escalations.allSatisfy { $0.kind == PlanRule.named($0.rule)?.kind })

        let text = EscalationReport.text(reading.escalations)
        let json = EscalationReport.json(reading.escalations, feature: feature)
        let textURL = root.appending(path: "expected.txt")
        let jsonURL = root.appending(path: "expected.json")
        if Self.updating {
            try text.write(to: textURL, atomically: true, encoding: .utf8)
            try json.write(to: jsonURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(text == (try String(contentsOf: textURL, encoding: .utf8)))
        #expect(json == (try String(contentsOf: jsonURL, encoding: .utf8)))
        #expect(try Self.snapshot(root) == before, "linting writes nothing")
    }

    /// `switchyard build` on each fixture, in a git repository of its own, asks and writes
    /// nothing: exit status 3, the same files, commit and branch.
    @Test(arguments: PlanRule.all)
    func buildingTheRulesFixtureWritesNothing(_ rule: PlanRule) async throws {
        let fixture = try Self.fixture(for: rule)
        let root = try temporaryFolder("switchyard-escalation")
        try FileManager.default.copyItem(at: fixture.appending(path: "docs"), to: root.appending(path: "docs"))
        let git = Git(root: root, environment: ScratchApp.identity)
        try git.run(["init", "-q", "-b", "main"])
        try git.run(["add", "-A"])
        try git.run(["commit", "-q", "-m", "plan"])
        let plans = try FileManager.default.contentsOfDirectory(atPath: root.appending(path: "docs/plans").path)
        let feature = String(plans[0].dropLast(".md".count))
        let tree = { try Self.snapshot(root).filter { !$0.key.hasPrefix("/.git/") } }
        let before = try tree()
        let head = try git.run(["rev-parse", "HEAD"])
        let outcome = try await Builder(root: root, git: git, generator: StandardGenerator()).build(feature)
        #expect(outcome.escalations.contains { $0.rule == rule.id })
        #expect(outcome.exitStatus(for: .write) == 3)
        #expect(try tree() == before)
        #expect(try git.run(["rev-parse", "HEAD"]) == head)
        #expect(try git.currentBranch() == "main")
    }

    @Test func everyFixtureFolderBelongsToARule() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
        for name in names {
            #expect(PlanRule.all.contains { name.hasPrefix($0.id + "-") }, "\(name) names no rule")
        }
    }
}

extension PlanRule: CustomTestStringConvertible {
    public var testDescription: String { "\(id) \(name)" }
}
