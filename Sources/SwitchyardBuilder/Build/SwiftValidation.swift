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

    /// The names of the types `text` declares at its top level, in order (structs, enums, classes,
    /// actors, protocols, type aliases): what another file of the same module may not declare.
    /// A line scan, not a parse: top-level declarations start their line (after modifiers and
    /// attributes), and a scan stays linear on any file, where swift-syntax is exponential on
    /// deeply nested brackets.
    static func topLevelTypes(in text: String) -> [String] {
        let keywords: Set<Substring> = ["struct", "enum", "class", "actor", "protocol", "typealias"]
        let modifiers: Set<Substring> = [
            "public", "internal", "package", "fileprivate", "private", "open", "final", "indirect",
            "nonisolated", "@MainActor", "@frozen", "@unchecked", "@preconcurrency",
        ]
        var names: [String] = []
        for line in text.split(whereSeparator: \.isNewline) where line.first.map({ !$0.isWhitespace }) ?? false {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
            while let first = words.first, modifiers.contains(first) || first.hasPrefix("@") { words.removeFirst() }
            guard let keyword = words.first, keywords.contains(keyword), words.count > 1 else { continue }
            let name = words[words.startIndex + 1].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.append(String(name)) }
        }
        return names
    }
}
