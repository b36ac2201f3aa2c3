import SwiftDiagnostics
import SwiftParser
import SwiftParserDiagnostics
import SwiftSyntax

/// Whether a rendered Swift file parses: the builder checks every `.swift` file it would write
/// before the first write, so a generator bug (or a model's reply) never lands as broken code.
enum SwiftValidation {
    /// A syntax error: `line:column: message`, 1-based.
    struct SyntaxProblem: Hashable, Sendable, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String

        var description: String { "\(line):\(column): \(message)" }
    }

    /// The syntax errors of `text`, in order; empty when it parses.
    static func syntaxProblems(in text: String, path: String) -> [SyntaxProblem] {
        let tree = Parser.parse(source: text)
        guard tree.hasError else { return [] }
        let converter = SourceLocationConverter(fileName: path, tree: tree)
        return ParseDiagnosticsGenerator.diagnostics(for: tree)
            .filter { $0.diagMessage.severity == .error }
            .map { diagnostic in
                let location = diagnostic.location(converter: converter)
                return SyntaxProblem(line: location.line, column: location.column, message: diagnostic.message)
            }
    }

    static func isSwift(_ path: String) -> Bool { path.hasSuffix(".swift") }
}
