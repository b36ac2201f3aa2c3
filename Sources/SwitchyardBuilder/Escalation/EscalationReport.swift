import Foundation

/// How escalations are printed: for people (`path:line:col: question: … [SY-PLAN-012]`), as JSON,
/// or as SARIF 2.1.0.
public enum EscalationReport {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, sarif
    }

    public static func render(_ escalations: [Escalation], feature: String, as format: Format) -> String {
        switch format {
        case .text: text(escalations)
        case .json: json(escalations, feature: feature)
        case .sarif: sarif(escalations)
        }
    }

    /// One question per paragraph, then a count by kind; empty when nothing is open.
    public static func text(_ escalations: [Escalation]) -> String {
        var out = ""
        for escalation in escalations {
            out += "\(escalation.position): question: \(escalation.question) [\(escalation.rule)]\n"
            out += "    kind: \(escalation.kind.rawValue) (for \(escalation.kind.addressee))\n"
            if !escalation.options.isEmpty {
                out += "    options: \(escalation.options.joined(separator: " | "))\n"
            }
            out += "    settle: \(escalation.settle)\n"
        }
        guard !escalations.isEmpty else { return out }
        let counts = Escalation.Kind.allCases.compactMap { kind -> String? in
            let count = escalations.filter { $0.kind == kind }.count
            return count == 0 ? nil : "\(count) \(kind.rawValue)"
        }
        let total = escalations.count
        out += "\(total) question\(total == 1 ? "" : "s") (\(counts.joined(separator: ", ")))\n"
        return terminalSafe(out)
    }

    private struct JSONReport: Encodable {
        struct Item: Encodable {
            var id: String
            var rule: String
            var name: String
            var kind: String
            var subject: String
            var file: String
            var line: Int
            var column: Int
            var question: String
            var options: [String]
            var answerable: Bool
            var settle: String
        }
        var version = 1
        var feature: String
        var escalations: [Item]
    }

    public static func json(_ escalations: [Escalation], feature: String) -> String {
        let report = JSONReport(
            feature: feature,
            escalations: escalations.map { escalation in
                .init(
                    id: escalation.id, rule: escalation.rule, name: PlanRule.named(escalation.rule)?.name ?? "",
                    kind: escalation.kind.rawValue, subject: escalation.subject, file: escalation.position.document,
                    line: escalation.position.line, column: escalation.position.column,
                    question: escalation.question, options: escalation.options, answerable: escalation.answerable,
                    settle: escalation.settle)
            })
        return prettyJSON(report)
    }

    public static func sarif(_ escalations: [Escalation]) -> String {
        SARIFLog(
            toolName: "switchyard plan lint", toolVersion: "1",
            rules: PlanRule.all.map { rule in
                .init(
                    id: rule.id, name: rule.name, summary: rule.summary,
                    help: rule.rationale + (rule.answer.map { " Answer under ## Clarifications with \($0)." } ?? ""),
                    properties: ["kind": rule.kind.rawValue])
            },
            results: escalations.map { escalation in
                .init(
                    ruleID: escalation.rule, level: "error",
                    message: escalation.question
                        + (escalation.options.isEmpty
                            ? "" : " Options: \(escalation.options.joined(separator: " | ")).")
                        + " To settle: \(escalation.settle).",
                    position: escalation.position, identity: escalation.id,
                    properties: ["kind": escalation.kind.rawValue, "subject": escalation.subject])
            }
        ).json()
    }

    /// `switchyard plan lint --explain ID`.
    public static func explain(_ rule: PlanRule) -> String {
        var out = "\(rule.id) \(rule.name) (\(rule.kind.rawValue), for \(rule.kind.addressee))\n"
        out += "  \(rule.summary)\n"
        out += "  Why: \(rule.rationale)\n"
        if let answer = rule.answer {
            out +=
                "  Settle: edit the plan, or answer under `## Clarifications` (| \(rule.id) | <subject> | \(answer) |).\n"
        } else {
            out += "  Settle: edit the plan (no answer can settle it).\n"
        }
        return out
    }
}

/// A feature's documents, read from an app's root: `docs/plans/{feature}.md` and, if present,
/// `docs/decisions/{feature}.md`. Positions name them relative to the root.
public struct PlanDocuments: Sendable {
    public var plan: MarkdownDocument
    public var decisions: MarkdownDocument?
    /// The git blob ids of the documents' bytes, recorded by a build and named in its commits.
    public var planBlob: String
    public var decisionsBlob: String?

    public static func planPath(_ feature: String) -> String { "docs/plans/\(feature).md" }
    public static func decisionsPath(_ feature: String) -> String { "docs/decisions/\(feature).md" }

    public struct NotFound: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no plan at \(path)" }
    }

    public struct InvalidFeature: Error, CustomStringConvertible {
        public var feature: String
        public var description: String {
            "`\(feature)` is not a feature name (lowercase letters, digits, `-` and `_`, starting with a letter)"
        }
    }

    /// - Throws: ``InvalidFeature`` for a name that is not a feature's (never a path);
    ///   ``NotFound`` when the plan is missing; the file system's error when unreadable.
    public init(feature: String, root: URL) throws {
        guard isFeatureName(feature) else { throw InvalidFeature(feature: feature) }
        let planPath = Self.planPath(feature)
        let planURL = root.appending(path: planPath)
        guard FileManager.default.fileExists(atPath: planURL.path) else { throw NotFound(path: planPath) }
        let planData = try Data(contentsOf: planURL)
        plan = MarkdownDocument(text: String(decoding: planData, as: UTF8.self), path: planPath)
        planBlob = Git.blobID(of: planData)
        let decisionsPath = Self.decisionsPath(feature)
        let decisionsURL = root.appending(path: decisionsPath)
        if FileManager.default.fileExists(atPath: decisionsURL.path) {
            let data = try Data(contentsOf: decisionsURL)
            decisions = MarkdownDocument(text: String(decoding: data, as: UTF8.self), path: decisionsPath)
            decisionsBlob = Git.blobID(of: data)
        }
    }

    public func read() -> PlanReading {
        PlanReader.read(plan: plan, decisions: decisions)
    }
}
