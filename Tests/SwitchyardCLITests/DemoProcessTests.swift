import Foundation
import SwitchyardLLM
import SwitchyardTesting
import Testing

/// A `switchyard` child process whose output lines (standard output and error, merged) and
/// exit arrive as streams.
///
/// A thread of its own reads the output with blocking reads and then waits for the exit, as
/// the jobs' crash tests do (dispatch-driven handlers were now and then never called on Linux).
struct ChildProcess {
    let process = Process()
    let lines: AsyncStream<String>
    let exited: AsyncStream<Process.TerminationReason>

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = try builtExecutable("switchyard")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let (lines, lineSink) = AsyncStream<String>.makeStream()
        let (exited, exitSink) = AsyncStream<Process.TerminationReason>.makeStream()
        self.lines = lines
        self.exited = exited
        try process.run()
        try? pipe.fileHandleForWriting.close()
        let process = self.process
        let output = pipe.fileHandleForReading
        Thread.detachNewThread {
            var pending = Data()
            while case let chunk = output.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lineSink.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { lineSink.yield(String(decoding: pending, as: UTF8.self)) }
            lineSink.finish()
            process.waitUntilExit()
            exitSink.yield(process.terminationReason)
            exitSink.finish()
        }
    }

    /// The first line satisfying `condition`, waiting at most `limit`.
    func line(within limit: Duration, where condition: @escaping @Sendable (String) -> Bool) async throws -> String? {
        let lines = self.lines
        return try await withTimeout(limit, clock: ContinuousClock()) {
            for await line in lines where condition(line) { return line }
            return nil
        }
    }

    /// The exit status, waiting at most `limit` for the process to end.
    func exitStatus(within limit: Duration) async throws -> (Process.TerminationReason, Int32) {
        let exited = self.exited
        let reason = try await withTimeout(limit, clock: ContinuousClock()) {
            for await reason in exited { return reason }
            return Process.TerminationReason.exit
        }
        return (reason, process.terminationStatus)
    }

    /// Kills the process if it still runs (a failed test must not leave it behind).
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

@Suite struct DemoProcessTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func theDemoStopsPromptlyOnASignalWhileTheModelHangs(signal: Int32) async throws {
        let server = FakeLLMServer(otherwise: .fault(.noAnswer))
        try await server.withRunning { baseURL in
            let child = try ChildProcess(
                [
                    "demo", "--ticks", "1000", "--interval", "0.1", "--window", "300", "--llm-provider", "anthropic",
                    "--llm-base-url", baseURL, "--config", "/nonexistent/switchyard.toml",
                ],
                environment: ["ANTHROPIC_API_KEY": "test-key"])
            defer { child.kill() }
            // The first directive: the tree runs, and so does the signal handling.
            let first = try await child.line(within: .seconds(60)) { $0.hasPrefix("tick ") }
            #expect(first?.contains("pricing_advisor (fallback)") == true, "\(first ?? "no directive")")
            kill(child.process.processIdentifier, signal)
            let (reason, status) = try await child.exitStatus(within: .seconds(30))
            #expect(reason == .exit)
            #expect(status == 128 + signal)
            let rest = await child.lines.collected()
            #expect(rest.contains { $0.hasPrefix("stopped by SIG") }, "\(rest)")
        }
    }

    @Test(arguments: [
        ["--interval", "inf"], ["--interval", "1e300"], ["--interval", "0.0001"], ["--model-timeout", "1e19"],
    ])
    func anOutOfRangeNumberIsAUsageErrorNotACrash(arguments: [String]) async throws {
        let child = try ChildProcess(["demo", "--ticks", "1"] + arguments)
        defer { child.kill() }
        let (reason, status) = try await child.exitStatus(within: .seconds(60))
        let output = await child.lines.collected()
        #expect(reason == .exit)
        #expect(status == 64, "\(output)")
        #expect(output.contains { $0.contains(arguments[0]) }, "\(output)")
    }
}
