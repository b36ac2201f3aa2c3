import ArgumentParser
import Foundation
import SwitchyardBuilder

/// `switchyard new NAME --track Pipeline|Multi-Agent`: a new app package depending on
/// Switchyard, in a fresh git repository.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create an app package that depends on Switchyard, ready for `switchyard build FEATURE`.",
        discussion: """
            NAME is the app's Swift module, in UpperCamelCase (Greenhouse). The app is written into \
            --path (default ./NAME), which must not exist or be empty, and committed as the first commit \
            of a new git repository. Switchyard's checkout is --switchyard-path, else \
            SWITCHYARD_PACKAGE_PATH, else the checkout this command was built from; the app's \
            Package.swift refers to it by a relative path. A refusal writes nothing and exits with 2.
            """
    )

    @Argument(help: "The app's Swift module, in UpperCamelCase (Greenhouse).")
    var name: String

    @Option(help: "Pipeline or Multi-Agent.")
    var track: String

    @Option(help: "The folder to create the app in (default: ./NAME).")
    var path: String?

    @Option(
        help: "Switchyard's checkout (default: SWITCHYARD_PACKAGE_PATH, else the checkout this tool was built from).")
    var switchyardPath: String?

    /// The checkout this file was compiled in: Sources/switchyard/NewCommand.swift, three levels up.
    static let builtFrom = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func run() throws {
        guard let track = Self.track(track) else {
            throw refusal("--track must be Pipeline or Multi-Agent, not \"\(track)\"")
        }
        do {
            try NewApp.checkName(name)
        } catch {
            throw refusal(error.message)
        }
        let environment = ProcessInfo.processInfo.environment
        let current = URL(filePath: FileManager.default.currentDirectoryPath, directoryHint: .isDirectory)
        let switchyard =
            switchyardPath.map { URL(filePath: $0, relativeTo: current) }
            ?? environment["SWITCHYARD_PACKAGE_PATH"].flatMap {
                $0.isEmpty ? nil : URL(filePath: $0, relativeTo: current)
            }
            ?? Self.builtFrom
        let folder = URL(filePath: path ?? name, directoryHint: .isDirectory, relativeTo: current).standardizedFileURL
        do {
            let files = try NewApp.create(
                name: name, track: track, in: folder, switchyard: switchyard.standardizedFileURL)
            let shown = path ?? name
            print("created \(name) (\(track.rawValue)) in \(shown): \(files.count) files, committed")
            print("next: cd \(shown), write docs/plans/FEATURE.md and docs/decisions/FEATURE.md, then")
            print("      switchyard plan lint FEATURE && switchyard build FEATURE")
        } catch {
            throw refusal(error.message)
        }
    }

    /// The track named `text`, case-insensitively (`multi-agent`, `pipeline`).
    static func track(_ text: String) -> Plan.Track? {
        Plan.Track.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
    }

    /// Says `message` on standard error; the exit status to throw.
    private func refusal(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }
}
