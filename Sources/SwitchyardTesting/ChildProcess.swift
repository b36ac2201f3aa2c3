import Foundation
import SwitchyardModel

/// A child process whose output lines (standard output, and standard error with it unless it
/// is kept apart) and exit arrive as streams, for tests that run a built executable
/// (``builtExecutable(_:)``).
///
/// A thread of its own reads the output with blocking reads (a read of 0 bytes is the end),
/// then waits for the exit: no `readabilityHandler` or `terminationHandler`, whose
/// dispatch-driven events were now and then never delivered on Linux, leaving a test waiting
/// for a process that had long exited.
public struct ChildProcess {
    public let process = Process()
    /// The output, a line at a time (without the newline); finished at the end of the output.
    public let lines: AsyncStream<String>
    /// How the process ended and its status, once.
    public let exited: AsyncStream<(reason: Process.TerminationReason, status: Int32)>

    /// Starts `executable`. `environment` adds to (or replaces entries of) this process's own;
    /// variables for which `removing` is true are left out (say, every model key and setting,
    /// so a test never calls a real provider with a developer's key).
    /// With `closingStandardInput`, the child's standard input is a pipe already closed: a read
    /// gets end-of-file at once, as under CI with no terminal (else it inherits this process's).
    public init(
        _ executable: URL, arguments: [String], environment: [String: String] = [:],
        removing: (String) -> Bool = { _ in false }, mergingStandardError: Bool = true,
        closingStandardInput: Bool = false
    )
        throws
    {
        process.executableURL = executable
        process.arguments = arguments
        if closingStandardInput {
            let input = Pipe()
            try input.fileHandleForWriting.close()
            process.standardInput = input
        }
        process.environment = ProcessInfo.processInfo.environment.filter { !removing($0.key) }
            .merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        if mergingStandardError { process.standardError = pipe }
        let (lines, lineSink) = AsyncStream<String>.makeStream()
        let (exited, exitSink) = AsyncStream<(reason: Process.TerminationReason, status: Int32)>.makeStream()
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
            exitSink.yield((process.terminationReason, process.terminationStatus))
            exitSink.finish()
        }
    }

    /// Waits for the process to end.
    public func waitForExit() async -> (reason: Process.TerminationReason, status: Int32) {
        for await exit in exited { return exit }
        return (.exit, -1)
    }

    /// The first line satisfying `condition`, waiting at most `limit` (`nil` if the output
    /// ended first).
    /// - Throws: `TimeoutError` when `limit` passes first.
    public func line(within limit: Duration, where condition: @escaping @Sendable (String) -> Bool) async throws
        -> String?
    {
        let lines = self.lines
        return try await withTimeout(limit, clock: ContinuousClock()) {
            for await line in lines where condition(line) { return line }
            return nil
        }
    }

    /// How the process ended and its status, waiting at most `limit`.
    /// - Throws: `TimeoutError` when `limit` passes first.
    public func exit(within limit: Duration) async throws -> (reason: Process.TerminationReason, status: Int32) {
        let exited = self.exited
        return try await withTimeout(limit, clock: ContinuousClock()) {
            for await exit in exited { return exit }
            return (.exit, -1)
        }
    }

    /// Kills the process with SIGKILL if it still runs (a failed test must not leave it behind).
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
