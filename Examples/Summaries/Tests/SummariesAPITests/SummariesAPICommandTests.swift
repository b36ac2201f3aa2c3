import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import SummariesAPI
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Testing

/// Runs `summaries-api` with `arguments` in `folder` until it exits; its exit code and the
/// lines it wrote to standard error.
func runSummariesAPI(_ arguments: [String], in folder: URL) async throws -> (status: Int32, errors: [String]) {
    let process = Process()
    process.executableURL = try builtExecutable("summaries-api")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["SWITCHYARD_SESSION_SECRET"] = "a test secret that is at least 32 bytes"
    environment["ANTHROPIC_API_KEY"] = nil
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // The start-up errors are short: read to the end (the process exits), then reap it.
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init))
}

@Suite struct SummariesAPICommandTests {
    @Test func badStartUpSettingsAreClearErrorsNamingTheProblem() async throws {
        let folder = try temporaryFolder("summaries-cli")
        let misspelt = folder.appendingPathComponent("misspelt.toml")
        try "[sever]\nport = 9000\n".write(to: misspelt, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("app.sqlite").path
        let cases: [([String], Int32, String)] = [
            (["--port", "70000"], 64, "Error: --port must be between 1 and 65535, not 70000"),
            (["--port", "0"], 64, "Error: --port must be between 1 and 65535, not 0"),
            (["--config", "absent.toml"], 1, "Error: absent.toml: cannot read the configuration file: no such file"),
            (
                ["--config", misspelt.path], 1,
                "Error: \(misspelt.path) (line 1, sever): unknown table [sever]; expected one of auth, database, llm, plans, server, session, workers — did you mean [server]?"
            ),
            (
                ["--database", "\(folder.path)/absent/app.sqlite"], 1,
                "Error: command line (--database): cannot create \(folder.path)/absent/app.sqlite: the folder \(folder.path)/absent does not exist"
            ),
        ]
        for (arguments, status, line) in cases {
            let defaults = arguments.contains("--database") ? [] : ["--database", database]
            let run = try await runSummariesAPI(arguments + defaults, in: folder)
            #expect(run.status == status, "\(arguments)")
            #expect(run.errors.contains(line), "\(arguments): \(run.errors)")
        }
        // A file that is not SQLite, and a misspelt [llm] key: each named with its file.
        let notSQLite = folder.appendingPathComponent("notes.txt")
        try "not a database, just some text".write(to: notSQLite, atomically: true, encoding: .utf8)
        let run = try await runSummariesAPI(["--database", notSQLite.path], in: folder)
        #expect(
            run.status == 1
                && run.errors.contains("Error: cannot open the database \(notSQLite.path): file is not a database"),
            "\(run.errors)")
        let llmTypo = folder.appendingPathComponent("llm.toml")
        try "[llm]\nmodle = \"x\"\n".write(to: llmTypo, atomically: true, encoding: .utf8)
        let typo = try await runSummariesAPI(["--config", llmTypo.path, "--database", database], in: folder)
        #expect(
            typo.status == 1
                && typo.errors.contains {
                    $0.hasPrefix("Error: \(llmTypo.path) (line 2, llm.modle): unknown key")
                }, "\(typo.errors)")
    }

    @Test func aPortInUseIsNamedWithItsHostAndPort() async throws {
        let folder = try temporaryFolder("summaries-cli")
        let app = try makeApp()
        try await app.application(workers: false).test(.live) { client in
            let port = try #require(client.port)
            let run = try await runSummariesAPI(
                ["--port", "\(port)", "--database", folder.appendingPathComponent("app.sqlite").path], in: folder)
            #expect(run.status == 1)
            #expect(
                run.errors.contains(
                    "Error: cannot listen on 127.0.0.1:\(port): the port is in use (is another server running?); choose another with --port or server.port"
                ), "\(run.errors)")
        }
    }
}
