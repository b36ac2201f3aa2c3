import Crypto
import Foundation

/// Runs `git` in a repository: the builder's only way to branch, stage and commit. Never
/// interactive: stdin is closed and `GIT_TERMINAL_PROMPT=0`, so a hook or credential prompt
/// fails instead of waiting.
public struct Git: Sendable {
    public var root: URL
    /// Extra variables for every call (tests set a fixed author and dates here).
    public var environment: [String: String]

    public init(root: URL, environment: [String: String] = [:]) {
        self.root = root
        self.environment = environment
    }

    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var standardError: String
        public var description: String {
            "git \(arguments.joined(separator: " ")) failed (\(status)): \(standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// Runs `git arguments…`; returns its standard output.
    /// - Throws: ``Failure`` on a non-zero exit status.
    @discardableResult
    public func run(_ arguments: [String], input: Data? = nil) throws -> String {
        let result = try runAllowingFailure(arguments, input: input)
        guard result.status == 0 else {
            throw Failure(arguments: arguments, status: result.status, standardError: result.standardError)
        }
        return result.standardOutput
    }

    /// Runs `git arguments…` and returns its status and output, whatever the status.
    public func runAllowingFailure(
        _ arguments: [String], input: Data? = nil
    ) throws -> (status: Int32, standardOutput: String, standardError: String) {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path] + arguments
        var variables = ProcessInfo.processInfo.environment
        variables["GIT_TERMINAL_PROMPT"] = "0"
        variables["GIT_EDITOR"] = "true"
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes before waiting, so a large output cannot fill a pipe and block git.
        nonisolated(unsafe) var errorData = Data()
        let errorReader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorReader.isFinished { usleep(1000) }
        return (
            process.terminationStatus, String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData, as: UTF8.self)
        )
    }

    /// Whether `root` is inside a git work tree.
    public var isRepository: Bool {
        (try? runAllowingFailure(["rev-parse", "--is-inside-work-tree"]).status) == 0
    }

    /// The current branch's name (`nil` when HEAD is detached or there is no commit yet and no branch).
    public func currentBranch() throws -> String? {
        let name = try runAllowingFailure(["symbolic-ref", "--quiet", "--short", "HEAD"])
        return name.status == 0 ? name.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Paths (relative to the root) with uncommitted changes, staged or not, or untracked.
    public func dirtyPaths() throws -> Set<String> {
        let status = try run(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        var paths: Set<String> = []
        var entries = status.split(separator: "\0", omittingEmptySubsequences: true).makeIterator()
        while let entry = entries.next() {
            guard entry.count > 3 else { continue }
            let code = entry.prefix(2)
            paths.insert(String(entry.dropFirst(3)))
            // A rename or copy is followed by its source path.
            if code.contains("R") || code.contains("C"), let source = entries.next() { paths.insert(String(source)) }
        }
        return paths
    }

    /// The staged paths.
    public func stagedPaths() throws -> Set<String> {
        Set(try run(["diff", "--cached", "--name-only", "-z"]).split(separator: "\0").map(String.init))
    }

    /// The git blob id of `data` (what `git hash-object` prints), without writing it.
    public static func blobID(of data: Data) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Data("blob \(data.count)\0".utf8))
        hasher.update(data: data)
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
