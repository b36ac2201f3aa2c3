import ArgumentParser
import Foundation
import Logging
import SwitchyardBuilder
import SwitchyardConfiguration
import SwitchyardLLM

extension SwitchyardCommand {
    /// `switchyard build FEATURE`: the feature's owned files from its plan, committed stage by stage.
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a feature's backend from docs/plans/FEATURE.md, one commit per stage.",
            discussion: """
                Reads docs/plans/FEATURE.md and docs/decisions/FEATURE.md, plans every file the builder owns \
                (generated wiring, logic files created once, entries in shared files), refuses the whole \
                build on any problem, and otherwise commits each stage that changed on feature/FEATURE, \
                staging exactly that stage's paths. It never prompts. Logic a plan states in prose is \
                written by the model of [build.llm] in switchyard.toml when one is configured (provider, \
                model, base_url, api_key_env: the key is read from that environment variable), else it is \
                a placeholder that returns a safe default and logs once. Exit status: 0 done (or no drift), \
                1 drift (--check), 2 refused (nothing written), 3 questions open in the plan.
                """
        )

        @Argument(help: "The feature (docs/plans/FEATURE.md). With --check and no feature: every feature built so far.")
        var feature: String?

        @Option(help: "The app's root folder (a git repository).")
        var root: String = "."

        @Flag(help: "Print the statuses; write nothing.")
        var dryRun = false

        @Flag(help: "Print the diffs of what would change; write nothing.")
        var diff = false

        @Flag(help: "Read-only, for CI: exit status 1 on any drift, including documents edited since the last build.")
        var check = false

        @Flag(help: "Settle conflicts with a three-way merge against what was last generated.")
        var merge = false

        @Option(help: "Overwrite generated paths matching this glob whatever was edited (repeatable).")
        var force: [String] = []

        @Flag(help: "Remove stale files nobody edited.")
        var prune = false

        @Flag(help: "Write logic files as placeholders even when [build.llm] configures a model.")
        var noModel = false

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        enum OutputFormat: String, ExpressibleByArgument {
            case text, json
        }

        func run() async throws {
            let rootURL = URL(filePath: root)
            let mode: BuildOptions.Mode = check ? .check : (dryRun || diff) ? .dryRun : .write
            let options = BuildOptions(mode: mode, merge: merge, force: force, prune: prune)
            var builder = Builder(root: rootURL, generator: StandardGenerator())
            if !noModel && mode != .check {
                do {
                    builder.logicWriter = try logicWriter(root: rootURL)
                } catch {
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    throw ExitCode(2)
                }
            }
            let features: [String]
            if let feature {
                features = [feature]
            } else if check {
                // Every feature built so far, and every plan not built yet (drift too).
                do {
                    let built = try Manifest.load(root: rootURL).features.keys
                    let plans =
                        (try? FileManager.default.contentsOfDirectory(
                            atPath: rootURL.appending(path: "docs/plans").path)) ?? []
                    let planned = plans.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }
                    features = Set(built).union(planned).sorted()
                } catch {
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    throw ExitCode(2)
                }
            } else {
                throw ValidationError("name the feature to build (docs/plans/FEATURE.md)")
            }
            var status: Int32 = 0
            for feature in features {
                let outcome: BuildOutcome
                do {
                    outcome =
                        mode == .write
                        ? try await builder.build(feature, options: options)
                        : try builder.plan(feature, options: options)
                } catch {
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    throw ExitCode(2)
                }
                switch format {
                case .text: print(BuildReport.text(outcome, mode: mode), terminator: "")
                case .json: print(BuildReport.json(outcome, mode: mode), terminator: "")
                }
                if diff { print(try BuildReport.diff(outcome, git: builder.git), terminator: "") }
                status = max(status, outcome.exitStatus(for: mode))
            }
            if status != 0 { throw ExitCode(status) }
        }

        /// The model of `[build.llm]` in the app's switchyard.toml, if one is configured and its
        /// key is set; the key is read from the environment, never from the file.
        private func logicWriter(root: URL) throws -> LogicWriter? {
            let path = root.appending(path: "switchyard.toml").path
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            let text = try ConfigurationFile.readText(path: path)
            let file = try ConfigurationFile(text: text, path: path)
            guard let build = try file.root.table("build") else { return nil }
            let settings = try LLMSettings(table: "llm", in: build, file: file.path)
            guard settings.provider != nil else { return nil }
            var logger = Logger(label: "switchyard.build")
            logger.logLevel = .error
            guard let model = try settings.makeModel(environment: ProcessInfo.processInfo.environment, logger: logger)
            else {
                FileHandle.standardError.write(
                    Data(
                        "warning: [build.llm] names a model but its key variable is not set: logic files are placeholders\n"
                            .utf8))
                return nil
            }
            // The model's code must pass the app's own `switchyard check` ([check] severities).
            let checks = try CheckConfiguration(toml: text, path: path)
            return LogicWriter(model: model, validate: LogicWriter.checkRules(checks))
        }
    }
}
