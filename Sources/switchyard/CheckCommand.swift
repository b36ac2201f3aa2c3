import ArgumentParser
import Foundation
import SwitchyardBuilder

extension SwitchyardCommand {
    /// `switchyard check`: the builder's completion checklist and anti-patterns on an app's code.
    struct CheckCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check an app's code against the completion checklist and anti-patterns (exit 1 on an error).",
            discussion: """
                Reads the Swift files under Sources/, switchyard.toml, schema/*.sql and the plans in \
                docs/plans/ under --root, and reports each finding as `file:line:col: severity: message [ID]` \
                (paths relative to the root), as JSON, or as SARIF 2.1.0. Placeholders the builder left are \
                warnings, with the plan line each stands for. Severities, or "off", per rule under [check] in \
                switchyard.toml; one finding is suppressed by `// switchyard:ignore ID -- reason` on its line or \
                the line before. Exit status: 0 when no finding is an error, 1 when one is, 2 when the app \
                cannot be read.
                """
        )

        @Option(help: "The app's root folder.")
        var root: String = "."

        @Option(help: "text, json or sarif.")
        var format: CheckReport.Format = .text

        @Option(help: "Explain a rule (SY-CHECK-004, or its name) instead of checking.")
        var explain: String?

        func run() throws {
            if let explain {
                guard let rule = CheckRule.named(explain) else {
                    throw ValidationError(
                        "no rule named \(explain); the rules are SY-CHECK-001 to \(CheckRule.all.last!.id)")
                }
                print(CheckReport.explain(rule), terminator: "")
                return
            }
            let result: CheckResult
            do {
                result = try AppChecker.check(root: URL(filePath: root))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print(CheckReport.render(result, as: format), terminator: "")
            if result.exitCode != 0 { throw ExitCode(result.exitCode) }
        }
    }
}

extension CheckReport.Format: ExpressibleByArgument {}
