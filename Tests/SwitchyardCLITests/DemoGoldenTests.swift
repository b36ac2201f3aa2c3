import Foundation
import SwitchyardTesting
import Testing

/// `switchyard demo` prints exactly the checked-in text.
///
/// With no model configured the agents and the coordinator decide by their rules, so the
/// directives and the summary depend only on the options; the log (on standard error, and
/// set to `error`) is not compared. One timing dependence remains: the demo ticks on the
/// wall clock, and a tick's service must come after the previous directive was applied. A
/// window closes as soon as all three agents reported (milliseconds), so the one-second
/// interval leaves a wide margin; a mismatch only in the numbers of one tick onwards on a
/// starved machine points there. Variables that could configure a model are removed from its environment. To
/// accept a deliberate change, regenerate the file:
/// `swift run switchyard demo --ticks 5 --interval 1 --log-level error
/// --config /nonexistent/switchyard.toml > Tests/SwitchyardCLITests/Golden/demo.txt`.
@Suite struct DemoGoldenTests {
    static let arguments = [
        "demo", "--ticks", "5", "--interval", "1", "--log-level", "error", "--config", "/nonexistent/switchyard.toml",
    ]

    /// The variables that could give the demo a model (and a real provider a developer's key):
    /// the golden text is the one without a model.
    static func configuresAModel(_ name: String) -> Bool {
        name.hasPrefix("SWITCHYARD_LLM_") || name.hasSuffix("_API_KEY")
    }

    static var goldenFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/demo.txt")
    }

    @Test func theDemoPrintsTheGoldenText() async throws {
        let child = try ChildProcess(
            builtExecutable("switchyard"), arguments: Self.arguments, removing: Self.configuresAModel,
            mergingStandardError: false)
        defer { child.kill() }
        let (reason, status) = try await child.exit(within: .seconds(120))
        let actual = await child.lines.collected()
        #expect(reason == .exit && status == 0, "switchyard demo ended with \(reason) \(status)")
        let golden = try String(contentsOf: Self.goldenFile, encoding: .utf8)
        var expected = golden.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if expected.last == "" { expected.removeLast() }
        #expect(actual == expected, "\(Self.difference(expected: expected, actual: actual))")
    }

    /// The first differing line, both texts in full, and how to regenerate the golden file.
    static func difference(expected: [String], actual: [String]) -> String {
        let common = min(expected.count, actual.count)
        let line = (0..<common).first { expected[$0] != actual[$0] } ?? common
        func at(_ lines: [String]) -> String { line < lines.count ? "'\(lines[line])'" : "(end of output)" }
        return """
            switchyard \(arguments.joined(separator: " ")) differs from \(goldenFile.path) at line \(line + 1):
              expected: \(at(expected))
              actual:   \(at(actual))
            --- expected
            \(expected.joined(separator: "\n"))
            --- actual
            \(actual.joined(separator: "\n"))
            ---
            If the change is intended, regenerate the golden file (see DemoGoldenTests).
            """
    }
}
