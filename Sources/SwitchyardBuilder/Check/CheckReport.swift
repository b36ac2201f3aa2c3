import Foundation

/// How `switchyard check` prints its findings: one line each (`file:line:col: severity: message
/// [ID]`) and a count, as JSON, or as SARIF 2.1.0.
public enum CheckReport {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, sarif
    }

    public static func render(_ result: CheckResult, as format: Format) -> String {
        switch format {
        case .text: text(result)
        case .json: json(result)
        case .sarif: sarif(result)
        }
    }

    /// One line per finding, then the count (placeholders named apart: they do not fail the check).
    public static func text(_ result: CheckResult) -> String {
        var out = ""
        for finding in result.findings {
            out +=
                "\(finding.path):\(finding.line):\(finding.column): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
        }
        let placeholders = result.findings.filter { $0.rule == CheckRule.placeholder.id }.count
        let counts = CheckRule.Severity.allCases.reversed().map { severity in
            let count = result.count(severity)
            return "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
        }
        out +=
            "switchyard check: \(result.swiftFiles) Swift file\(result.swiftFiles == 1 ? "" : "s"), \(counts.joined(separator: ", "))"
            + (placeholders == 0 ? "" : " (\(placeholders) placeholder\(placeholders == 1 ? "" : "s") to write)") + "\n"
        return out
    }

    struct JSONReport: Codable, Hashable {
        struct Item: Codable, Hashable {
            var rule: String
            var name: String
            var severity: String
            var file: String
            var line: Int
            var column: Int
            var message: String
            /// Stable when lines move: the rule, the file, the enclosing declaration, the message.
            var fingerprint: String
        }
        struct Summary: Codable, Hashable {
            var swiftFiles: Int
            var errors: Int
            var warnings: Int
            var notes: Int
            var placeholders: Int
        }
        var version = 1
        var findings: [Item]
        var summary: Summary
        var exitCode: Int32
    }

    public static func json(_ result: CheckResult) -> String {
        let report = JSONReport(
            findings: result.findings.map { finding in
                .init(
                    rule: finding.rule, name: CheckRule.named(finding.rule)?.name ?? "",
                    severity: finding.severity.rawValue, file: finding.path, line: finding.line,
                    column: finding.column, message: finding.message, fingerprint: fingerprint(finding.identity))
            },
            summary: .init(
                swiftFiles: result.swiftFiles, errors: result.count(.error), warnings: result.count(.warning),
                notes: result.count(.note),
                placeholders: result.findings.filter { $0.rule == CheckRule.placeholder.id }.count),
            exitCode: result.exitCode)
        return prettyJSON(report)
    }

    public static func sarif(_ result: CheckResult) -> String {
        SARIFLog(
            toolName: "switchyard check", toolVersion: "1",
            rules: CheckRule.all.map { rule in
                .init(
                    id: rule.id, name: rule.name, summary: rule.summary, help: rule.rationale,
                    properties: ["severity": rule.severity.rawValue, "track": rule.track.rawValue])
            },
            results: result.findings.map { finding in
                .init(
                    ruleID: finding.rule, level: finding.severity.rawValue, message: finding.message,
                    position: finding.position, identity: finding.identity)
            }
        ).json()
    }

    /// `switchyard check --explain ID`: the rule, why, and its examples.
    public static func explain(_ rule: CheckRule) -> String {
        var out =
            "\(rule.id) \(rule.name) (\(rule.severity.rawValue) by default; \(rule.track.rawValue == "both" ? "both tracks" : "\(rule.track.rawValue) track"))\n"
        out += "  \(rule.summary)\n"
        out += "  Why: \(rule.rationale)\n"
        out += "  Configure: [check] \"\(rule.id)\" = \"error\" | \"warning\" | \"note\" | \"off\" in switchyard.toml\n"
        out += "  Suppress one finding: // switchyard:ignore \(rule.id) -- reason\n"
        for (title, examples) in [
            ("Clean", rule.cleanExamples), ("Violating (← marks a finding)", rule.violatingExamples),
        ] {
            for example in examples {
                out += "\n  \(title):\n"
                out +=
                    example.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(
                        separator: "\n") + "\n"
            }
        }
        return out
    }
}
