import Foundation

extension PipelineGenerator {
    /// One migration per table, with its indexes; its name is the feature's, the table's and the
    /// hash of its SQL.
    func schema() -> GeneratedFile {
        let migrations = pipeline.tables.map { table in
            let sql = PipelineSQL.createTable(table)
            let hash = Git.blobID(of: Data(sql.utf8)).prefix(8)
            let indented = sql.split(separator: "\n", omittingEmptySubsequences: false).map { "                \($0)" }
            return """
                        // \(table.name) (\(position(table.position)))
                        Migration(
                            name: "\(plan.feature.replacingHyphens)_\(table.name)_\(hash)",
                            sql: #\"\"\"
                \(indented.joined(separator: "\n"))
                                \"\"\"#),
                """
        }
        let contents = """
            \(header("the schema"))import SwitchyardStore

            /// The tables of \(plan.feature), one migration each (with its indexes), applied by `Backend` at start
            /// after the app's own. A migration runs once per database and its name ends with the hash of
            /// its SQL: a table the plan changes is a new migration, which stops the app at start on a
            /// database made with the old table ("table … already exists") instead of leaving it behind
            /// unseen. Move such data by hand (ALTER TABLE), or start from a new database.
            enum \(schemaType) {
                static let migrations: [Migration] = [
            \(migrations.joined(separator: "\n"))
                ]
            }

            """
        return GeneratedFile(
            path: "\(sources)/Schema/\(schemaType).swift", fileClass: .generated, stage: .schema, contents: contents)
    }
}

/// The SQL of the plan's tables (SQLite).
enum PipelineSQL {
    /// `CREATE TABLE` with its columns, then a `CREATE INDEX` per index.
    static func createTable(_ table: TablePlan) -> String {
        let columns = table.columns.map { column in
            let constraints = constraintsSQL(column.constraints)
            return "    \(identifier(column.name)) \(column.type)" + (constraints.isEmpty ? "" : " \(constraints)")
        }
        var statements = ["CREATE TABLE \(identifier(table.name)) (\n\(columns.joined(separator: ",\n"))\n);"]
        for index in table.indexes {
            let names = index.columns.map(\.value)
            statements.append(
                "CREATE INDEX \(identifier("\(table.name)_\(names.joined(separator: "_"))")) ON \(identifier(table.name)) (\(names.map(identifier).joined(separator: ", ")));"
            )
        }
        return statements.joined(separator: "\n")
    }

    /// `name`, quoted when it is one of SQLite's keywords (`"order"`).
    static func identifier(_ name: String) -> String {
        sqliteKeywords.contains(name.uppercased()) ? "\"\(name)\"" : name
    }

    /// SQLite's keywords (sqlite.org/lang_keywords.html).
    static let sqliteKeywords: Set<String> = [
        "ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE", "AND", "AS", "ASC", "ATTACH",
        "AUTOINCREMENT", "BEFORE", "BEGIN", "BETWEEN", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN",
        "COMMIT", "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
        "CURRENT_TIMESTAMP", "DATABASE", "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DETACH", "DISTINCT",
        "DO", "DROP", "EACH", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCLUDE", "EXCLUSIVE", "EXISTS", "EXPLAIN", "FAIL",
        "FILTER", "FIRST", "FOLLOWING", "FOR", "FOREIGN", "FROM", "FULL", "GENERATED", "GLOB", "GROUP", "GROUPS",
        "HAVING", "IF", "IGNORE", "IMMEDIATE", "IN", "INDEX", "INDEXED", "INITIALLY", "INNER", "INSERT", "INSTEAD",
        "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "KEY", "LAST", "LEFT", "LIKE", "LIMIT", "MATCH", "MATERIALIZED",
        "NATURAL", "NO", "NOT", "NOTHING", "NOTNULL", "NULL", "NULLS", "OF", "OFFSET", "ON", "OR", "ORDER", "OTHERS",
        "OUTER", "OVER", "PARTITION", "PLAN", "PRAGMA", "PRECEDING", "PRIMARY", "QUERY", "RAISE", "RANGE", "RECURSIVE",
        "REFERENCES", "REGEXP", "REINDEX", "RELEASE", "RENAME", "REPLACE", "RESTRICT", "RETURNING", "RIGHT", "ROLLBACK",
        "ROW", "ROWS", "SAVEPOINT", "SELECT", "SET", "TABLE", "TEMP", "TEMPORARY", "THEN", "TIES", "TO", "TRANSACTION",
        "TRIGGER", "UNBOUNDED", "UNION", "UNIQUE", "UPDATE", "USING", "VACUUM", "VALUES", "VIEW", "VIRTUAL", "WHEN",
        "WHERE", "WINDOW", "WITH", "WITHOUT",
    ]

    /// SQL's words among a column's constraints, written upper-case.
    static let keywords: Set<String> = [
        "primary", "key", "not", "null", "unique", "collate", "nocase", "binary", "rtrim", "default", "check",
        "references", "on", "delete", "update", "cascade", "restrict", "set", "no", "action", "autoincrement", "asc",
        "desc", "generated", "always", "as", "stored", "virtual", "and", "or", "in", "is", "between", "like",
        "current_timestamp", "current_date", "current_time", "deferrable", "initially", "deferred", "immediate",
    ]

    /// `not null, unique, collate nocase` → `NOT NULL UNIQUE COLLATE NOCASE`: the clauses
    /// (separated by commas outside parentheses) joined by spaces, SQL's words upper-cased and
    /// everything else (names, literals) as written.
    static func constraintsSQL(_ text: String) -> String {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == ",", depth == 0 {
                clauses.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        clauses.append(current)
        return clauses.map { $0.trimmingSpaces }.filter { !$0.isEmpty && !isNone($0) }.map(upperCasingKeywords)
            .joined(separator: " ")
    }

    private static func upperCasingKeywords(_ clause: String) -> String {
        var result = ""
        var word = ""
        var quote: Character?
        func flush() {
            result += keywords.contains(word.lowercased()) ? word.uppercased() : word
            word = ""
        }
        for character in clause {
            if let open = quote {
                result.append(character)
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                flush()
                quote = character
                result.append(character)
            } else if character.isLetter || character == "_" || (character.isNumber && !word.isEmpty) {
                word.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    /// Why a column's type or constraints cannot go into a migration as written, if they cannot:
    /// each is SQL of its own, so it must not end the statement, open a comment or leave a quote
    /// or parenthesis open.
    static func problem(type: String, constraints: String) -> String? {
        let typeForm = type.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " (),_".contains($0)) }
        guard typeForm, type.first?.isLetter == true else {
            return "the SQL type `\(type)` is not a type name (such as INTEGER, TEXT, REAL, BLOB, VARCHAR(64))"
        }
        for (text, what) in [(type, "type"), (constraints, "constraints")] {
            if text.contains(";") || text.contains("--") || text.contains("/*") || text.contains("\\") {
                return "the \(what) `\(text)` hold `;`, `--`, `/*` or `\\`: one column's SQL only"
            }
            var depth = 0
            var quote: Character?
            for character in text {
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                } else if character == "(" {
                    depth += 1
                } else if character == ")" {
                    depth -= 1
                    if depth < 0 { break }
                }
            }
            if depth != 0 || quote != nil {
                return "the \(what) `\(text)` leave a parenthesis or a quote open"
            }
        }
        return nil
    }
}
