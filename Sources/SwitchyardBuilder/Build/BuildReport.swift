import Foundation

/// How `switchyard build` prints what it did (or would do): text for people, JSON for tools.
public enum BuildReport {
    public static func text(_ outcome: BuildOutcome, mode: BuildOptions.Mode) -> String {
        if !outcome.escalations.isEmpty {
            return EscalationReport.text(outcome.escalations)
                + "nothing was written: settle the questions, then build again\n"
        }
        var out = "switchyard build \(outcome.feature)"
        if let track = outcome.track { out += " (\(track.rawValue))" }
        switch mode {
        case .write: out += " on \(outcome.branch)"
        case .dryRun: out += ": dry run, nothing written"
        case .check: out += ": check, nothing written"
        }
        out += "\n"
        var stage: BuildStage?
        for action in outcome.actions {
            if action.stage != stage {
                stage = action.stage
                out += "  \(action.stage.rawValue)\n"
            }
            let status = action.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            out += "    \(status) \(action.path)\(action.note.map { "  (\($0))" } ?? "")\n"
        }
        if outcome.documentsChanged {
            out +=
                outcome.firstBuild
                ? "  first build of \(outcome.feature)\n" : "  the plan or decisions changed since the last build\n"
        }
        if !outcome.refusals.isEmpty {
            out += "refused, nothing was written:\n"
            for refusal in outcome.refusals { out += "  \(refusal)\n" }
        } else if mode == .write {
            out +=
                outcome.commits.isEmpty
                ? "nothing to commit: the tree already is what the plan gives\n"
                : "committed on \(outcome.branch): "
                    + outcome.commits.map { "\($0.stage) \($0.id)" }.joined(separator: ", ") + "\n"
        } else if mode == .check {
            let changes =
                outcome.documentsChanged || outcome.actions.contains { $0.changesDisk || $0.status == .conflict }
            let stale = outcome.actions.filter { $0.status == .stale && $0.current != nil }
            if changes {
                out += "drift: `switchyard build \(outcome.feature)` would change the above\n"
            }
            if !stale.isEmpty {
                out +=
                    "drift: \(stale.count) stale file(s) the plan no longer produces: `switchyard build \(outcome.feature) --prune` "
                    + "removes the unedited ones; remove the edited ones yourself\n"
            }
            if !outcome.hasDrift { out += "no drift\n" }
        }
        return terminalSafe(out)
    }

    private struct JSONOutcome: Encodable {
        struct Action: Encodable {
            var path: String
            var status: String
            var fileClass: String
            var stage: String
            var note: String?
        }
        struct Commit: Encodable {
            var stage: String
            var id: String
        }
        var feature: String
        var track: String?
        var branch: String
        var actions: [Action]
        var refusals: [String]
        var escalations: Int
        var documentsChanged: Bool
        var commits: [Commit]
        var exitStatus: Int32
    }

    public static func json(_ outcome: BuildOutcome, mode: BuildOptions.Mode) -> String {
        if !outcome.escalations.isEmpty { return EscalationReport.json(outcome.escalations, feature: outcome.feature) }
        return prettyJSON(
            JSONOutcome(
                feature: outcome.feature, track: outcome.track?.rawValue, branch: outcome.branch,
                actions: outcome.actions.map {
                    .init(
                        path: $0.path, status: $0.status.rawValue, fileClass: $0.fileClass.rawValue,
                        stage: $0.stage.rawValue, note: $0.note)
                },
                refusals: outcome.refusals.map(\.description), escalations: outcome.escalations.count,
                documentsChanged: outcome.documentsChanged,
                commits: outcome.commits.map { .init(stage: $0.stage, id: $0.id) },
                exitStatus: outcome.exitStatus(for: mode)))
    }

    /// Unified diffs of every path the build changes (`git diff --no-index`).
    public static func diff(_ outcome: BuildOutcome, git: Git) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: "switchyard-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var out = ""
        for action in outcome.actions where action.changesDisk {
            let before = folder.appending(path: "a/\(action.path)")
            let after = folder.appending(path: "b/\(action.path)")
            for (url, text) in [(before, action.current), (after, action.result)] {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data((text ?? "").utf8).write(to: url)
            }
            let result = try git.runAllowingFailure([
                "diff", "--no-index", "--no-color", "--",
                action.current == nil ? "/dev/null" : before.path, action.result == nil ? "/dev/null" : after.path,
            ])
            // git names `/tmp/…/a/P` as `a/tmp/…/a/P`: keep `a/P`.
            let temporary = folder.path.drop { $0 == "/" }
            out += result.standardOutput.replacingOccurrences(of: temporary + "/a/", with: "")
                .replacingOccurrences(of: temporary + "/b/", with: "")
        }
        return out
    }
}
