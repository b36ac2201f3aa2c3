import Foundation
import SwitchyardBuilder
import Testing

/// The Examples' plans built into scratch repositories: the files, branch, commits and statuses
/// are the golden ones (Golden/{feature}.build.txt; SWITCHYARD_UPDATE_GOLDENS=1 rewrites them),
/// and a second build changes and commits nothing.
@Suite struct ExampleBuildGoldenTests {
    static let here = URL(filePath: #filePath).deletingLastPathComponent()
    static let examples = here.appending(path: "../../Examples").standardized

    static func document(_ example: String, _ path: String) throws -> String? {
        let url = examples.appending(path: "\(example)/\(path)")
        return FileManager.default.fileExists(atPath: url.path) ? try String(contentsOf: url, encoding: .utf8) : nil
    }

    /// The report without commit ids, the commits, and every file of HEAD with its blob id.
    static func record(_ app: ScratchApp, _ outcome: BuildOutcome) throws -> String {
        var report = BuildReport.text(outcome, mode: .write)
        for commit in outcome.commits { report = report.replacingOccurrences(of: " \(commit.id)", with: "") }
        let commits = try app.git.run(["log", "--reverse", "--format=%s%n%(trailers:only,unfold)"])
        let tree = try app.git.run(["ls-tree", "-r", "--format=%(objectname) %(path)", "HEAD"])
        return
            "# report\n\(report)\n# branch\n\(try app.git.currentBranch() ?? "")\n\n# commits\n\(commits)\n# tree\n\(tree)"
    }

    @Test(arguments: [
        ("Kitchen", "kitchen-service", "KitchenDemo", Plan.Track.multiAgent),
        ("Summaries", "summaries", "SummariesAPI", Plan.Track.pipeline),
    ])
    func theExamplesPlanBuildsIntoTheGoldenTree(
        _ example: String, _ feature: String, _ app: String, _ track: Plan.Track
    ) async throws {
        let plan = try #require(try Self.document(example, "docs/plans/\(feature).md"))
        let scratch = try ScratchApp(
            plan: plan, feature: feature, decisions: try Self.document(example, "docs/decisions/\(feature).md"),
            app: app, track: track)
        let outcome = try await scratch.builder.build(feature)
        #expect(outcome.exitStatus(for: .write) == 0, "\(outcome.refusals)")
        #expect(outcome.track == track)
        let recorded = try Self.record(scratch, outcome)
        let golden = Self.here.appending(path: "Golden/\(feature).build.txt")
        if ProcessInfo.processInfo.environment["SWITCHYARD_UPDATE_GOLDENS"] == "1" {
            try recorded.write(to: golden, atomically: true, encoding: .utf8)
        } else {
            #expect(recorded == (try String(contentsOf: golden, encoding: .utf8)))
        }
        let head = try scratch.git.run(["rev-parse", "HEAD"])
        let again = try await scratch.builder.build(feature)
        #expect(again.commits.isEmpty)
        #expect(try scratch.git.run(["rev-parse", "HEAD"]) == head)
        #expect(Set(again.actions.map(\.status)) == [.identical])
        let check = try scratch.builder.plan(feature, options: .init(mode: .check))
        #expect(check.exitStatus(for: .check) == 0)
    }
}
