import Foundation
import SwiftSyntax
import SwitchyardStore

// Database queries are indexed: the app's schema on a scratch SQLite file, each query explained by
// SwitchyardStore's index audit.

enum QueryRules {
    /// A SQL string of the app, and where it is.
    struct Statement {
        var sql: String
        var path: String
        var line: Int
        var column: Int
        var declaration: String
    }

    /// The schema (`CREATE …` literals, schema/*.sql) and the queries that filter, join or sort.
    static func statements(_ context: CheckContext) -> (schema: [Statement], queries: [Statement]) {
        var schema: [Statement] = []
        var queries: [Statement] = []
        for file in context.textFiles where file.path.hasSuffix(".sql") {
            schema.append(Statement(sql: file.text, path: file.path, line: 1, column: 1, declaration: file.path))
        }
        for source in context.sources {
            for literal in source.tree.descendants(StringLiteralExprSyntax.self) {
                let sql = literal.text(replacingInterpolationsWith: "?")
                let words = sql.uppercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
                let (line, column) = source.location(of: literal)
                let statement = Statement(
                    sql: sql, path: source.path, line: line, column: column,
                    declaration: source.declarationPath(of: Syntax(literal)))
                if literal.plainText != nil, isSchema(sql) {
                    schema.append(statement)
                } else if ["SELECT ", "WITH ", "UPDATE ", "DELETE "].contains(where: { words.hasPrefix($0) }),
                    [" WHERE ", " JOIN ", " ORDER BY ", " GROUP BY "].contains(where: { words.contains($0) })
                {
                    queries.append(statement)
                }
            }
        }
        return (schema, queries)
    }

    /// SQL that changes the schema: it starts (after `--` comments) with `CREATE` or `ALTER TABLE`,
    /// and makes a table or an index, not just names the statement.
    static func isSchema(_ sql: String) -> Bool {
        let code = sql.split(separator: "\n").filter {
            !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--")
        }.joined(separator: " ")
        let words = code.uppercased().split(whereSeparator: \.isWhitespace)
        guard words.count > 2,
            (words[0] == "CREATE"
                && ["TABLE", "INDEX", "UNIQUE", "VIEW", "TRIGGER", "VIRTUAL", "TEMP", "TEMPORARY"]
                    .contains(words[1]))
                || (words[0] == "ALTER" && words[1] == "TABLE")
        else { return false }
        let text = words.joined(separator: " ")
        return text.contains("(") || text.contains(" ON ") || text.contains(" ADD ")
    }

    // MARK: SY-CHECK-018

    static func queryIndexed(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.queryIndexed
        let (schema, queries) = statements(context)
        guard !schema.isEmpty, !queries.isEmpty else { return [] }
        var findings: [RawFinding] = []
        func note(_ statement: Statement, _ message: String) {
            var finding = RawFinding(
                rule: rule, path: statement.path, line: statement.line, column: statement.column, message: message,
                declaration: statement.declaration)
            finding.informational = true
            findings.append(finding)
        }
        let folder = FileManager.default.temporaryDirectory.appending(path: "switchyard-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database: SQLiteDatabase
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            database = try SQLiteDatabase(path: folder.appending(path: "audit.sqlite").path)
        } catch {
            note(queries[0], "the queries were not audited: a scratch SQLite database could not be made (\(error))")
            return findings
        }
        // A statement may need a table a later one creates: apply in rounds until none succeeds.
        var pending = Array(schema.enumerated())
        var failures: [Int: String] = [:]
        while !pending.isEmpty {
            var remaining: [(offset: Int, element: Statement)] = []
            for (index, statement) in pending {
                do {
                    try database.migrate([Migration(name: "schema_\(index)", sql: statement.sql)])
                } catch {
                    failures[index] = firstLine(of: error)
                    remaining.append((index, statement))
                }
            }
            if remaining.count == pending.count { break }
            pending = remaining
        }
        for (index, statement) in pending {
            note(
                statement,
                "this schema could not be applied to the audit's scratch database (\(failures[index] ?? "unknown error")); queries on its tables were not audited"
            )
        }
        for query in queries {
            let audited = AuditedQuery(
                name: query.declaration, sql: query.sql,
                arguments: Array(repeating: "0", count: placeholders(in: query.sql)))
            do {
                for scan in try database.auditIndexes([audited]) {
                    findings.append(
                        RawFinding(
                            rule: rule, path: query.path, line: query.line, column: query.column,
                            message:
                                "the query reads a whole table (\(scan.detail)): add an index on the columns it filters, joins or sorts by",
                            declaration: query.declaration))
                }
            } catch {
                let problem = firstLine(of: error)
                // A table the app does not create is Switchyard's own, audited by its own tests.
                if problem.contains("no such table") { continue }
                note(query, "the query could not be explained, so it was not audited: \(problem)")
            }
        }
        return findings
    }

    /// `?` placeholders outside quoted text.
    static func placeholders(in sql: String) -> Int {
        var count = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "?" {
                count += 1
            }
        }
        return count
    }

    /// SQLite's words, without the statement GRDB appends (` - while executing …`).
    private static func firstLine(of error: any Error) -> String {
        let text = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        return text.components(separatedBy: " - while executing").first ?? text
    }
}
