import ArgumentParser
import Foundation
import SwitchyardBuilder

extension SwitchyardCommand {
    /// `switchyard plan`: the plan documents, checked on their own.
    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Check a feature's plan and decision documents.",
            subcommands: [Lint.self]
        )
    }
}

extension SwitchyardCommand.PlanCommand {
    /// `switchyard plan lint FEATURE`: every question the builder would ask, and nothing written.
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every question the plan leaves open (exit status 3 when there is one).",
            discussion: """
                Reads docs/plans/FEATURE.md and docs/decisions/FEATURE.md under --root and reports each \
                ambiguity, architecture, decision or frontend question with its rule id, position and \
                how to settle it: edit the plan, or answer under a `## Clarifications` table \
                (| rule | subject | answer |). Writes nothing. Exit status: 0 when nothing is open, \
                3 when something is, 2 when the documents cannot be read.
                """
        )

        @Argument(help: "The feature: docs/plans/FEATURE.md.")
        var feature: String?

        @Option(help: "The app's root folder.")
        var root: String = "."

        @Option(help: "text, json or sarif.")
        var format: EscalationReport.Format = .text

        @Option(help: "Explain a rule (SY-PLAN-016, or its name) instead of linting.")
        var explain: String?

        func run() throws {
            if let explain {
                guard let rule = PlanRule.named(explain) else {
                    throw ValidationError(
                        "no rule named \(explain); the rules are SY-PLAN-001 to \(PlanRule.all.last!.id)")
                }
                print(EscalationReport.explain(rule), terminator: "")
                return
            }
            guard let feature else { throw ValidationError("name the feature to lint (docs/plans/FEATURE.md)") }
            let documents: PlanDocuments
            do {
                documents = try PlanDocuments(feature: feature, root: URL(filePath: root))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let reading = documents.read()
            print(EscalationReport.render(reading.escalations, feature: feature, as: format), terminator: "")
            if !reading.escalations.isEmpty { throw ExitCode(3) }
        }
    }
}

extension EscalationReport.Format: ExpressibleByArgument {}
