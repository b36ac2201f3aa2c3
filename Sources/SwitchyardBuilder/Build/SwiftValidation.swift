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

    /// The names of the types `text` declares at its top level (structs, enums, classes,
    /// actors, protocols, type aliases): what another file of the same module may not declare.
    static func topLevelTypes(in text: String) -> Set<String> {
        var names: Set<String> = []
        for statement in Parser.parse(source: text).statements {
            let item = statement.item
            if let decl = item.as(StructDeclSyntax.self) {
                names.insert(decl.name.text)
            } else if let decl = item.as(EnumDeclSyntax.self) {
                names.insert(decl.name.text)
            } else if let decl = item.as(ClassDeclSyntax.self) {
                names.insert(decl.name.text)
            } else if let decl = item.as(ActorDeclSyntax.self) {
                names.insert(decl.name.text)
            } else if let decl = item.as(ProtocolDeclSyntax.self) {
                names.insert(decl.name.text)
            } else if let decl = item.as(TypeAliasDeclSyntax.self) {
                names.insert(decl.name.text)
            }
        }
        return names
    }
}
