import Foundation
import SwiftSyntax

/// A `// switchyard:ignore SY-CHECK-004 -- reason` comment: it silences the findings of the rules
/// it names on its own line and the next, if it gives a reason.
struct Suppression {
    var path: String
    var line: Int
    var column: Int
    /// The rules' ids.
    var rules: Set<String>
    /// What is wrong with the comment; a comment with a problem suppresses nothing.
    var problem: String?

    static let directive = "switchyard:ignore"

    /// Every `switchyard:ignore` comment of `source` (in comments only, never in string literals).
    static func all(in source: ParsedSource) -> [Suppression] {
        var found: [Suppression] = []
        for token in source.tree.tokens(viewMode: .sourceAccurate) {
            for (trivia, start) in [
                (token.leadingTrivia, token.position), (token.trailingTrivia, token.endPositionBeforeTrailingTrivia),
            ] {
                var offset = start
                for piece in trivia {
                    defer { offset = offset.advanced(by: piece.sourceLength.utf8Length) }
                    guard case .lineComment(let text) = piece, text.contains(directive) else { continue }
                    let (line, column) = source.location(at: offset)
                    found.append(parse(text, path: source.path, line: line, column: column))
                }
            }
        }
        return found
    }

    /// Reads `// switchyard:ignore ID[, ID…] -- reason`.
    static func parse(_ comment: String, path: String, line: Int, column: Int) -> Suppression {
        var suppression = Suppression(path: path, line: line, column: column, rules: [], problem: nil)
        guard let range = comment.range(of: directive) else { return suppression }
        var rest = Substring(comment[range.upperBound...])
        var names: [String] = []
        while true {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            guard !word.isEmpty, word != "--" else { break }
            names.append(String(word))
            rest = rest.dropFirst(word.count)
        }
        var problems: [String] = []
        if names.isEmpty { problems.append("names no rule") }
        for name in names {
            if let rule = CheckRule.named(name) {
                suppression.rules.insert(rule.id)
            } else {
                problems.append("names no rule \(name) (see `switchyard check --explain`)")
            }
        }
        let reason = rest.hasPrefix("--") ? rest.dropFirst(2).trimmingCharacters(in: .whitespaces) : ""
        if reason.isEmpty { problems.append("gives no reason (`// switchyard:ignore ID -- why`)") }
        if !problems.isEmpty { suppression.problem = "this suppression " + problems.joined(separator: " and ") }
        return suppression
    }

    /// Whether it silences `finding`.
    func covers(_ finding: RawFinding) -> Bool {
        problem == nil && finding.path == path && (finding.line == line || finding.line == line + 1)
            && rules.contains(finding.rule.id)
    }
}
