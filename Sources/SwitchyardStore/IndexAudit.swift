import GRDB

/// A query the code runs, named, with sample arguments, for ``SQLiteDatabase/auditIndexes(_:)``.
public struct AuditedQuery: Sendable, Hashable {
    /// A name for the report, such as `jobs.claim`.
    public var name: String
    /// The SQL with `?` placeholders.
    public var sql: String
    /// Sample values for the placeholders (any values of the right type will do).
    public var arguments: [String]

    public init(name: String, sql: String, arguments: [String] = []) {
        self.name = name
        self.sql = sql
        self.arguments = arguments
    }
}

/// A query whose plan scans a table without an index.
public struct IndexAuditFinding: Sendable, Hashable, CustomStringConvertible {
    public var query: String
    /// The `EXPLAIN QUERY PLAN` line that scans.
    public var detail: String
    public var description: String { "\(query): \(detail)" }
}

extension SQLiteDatabase {
    /// Runs `EXPLAIN QUERY PLAN` on each query and reports every full-table scan (`SCAN t`
    /// without `USING ... INDEX`). The builder's "database queries are indexed" check.
    public func auditIndexes(_ queries: [AuditedQuery]) throws -> [IndexAuditFinding] {
        try pool.read { db in
            var findings: [IndexAuditFinding] = []
            for query in queries {
                let rows = try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + query.sql, arguments: StatementArguments(query.arguments))
                for row in rows {
                    let detail: String = row["detail"]
                    if Self.isUnindexedScan(detail) {
                        findings.append(IndexAuditFinding(query: query.name, detail: detail))
                    }
                }
            }
            return findings
        }
    }

    /// `SCAN t` is a full scan; `SCAN t USING INDEX i` / `USING COVERING INDEX` walks an index,
    /// and `SCAN 4 CONSTANT ROWS` reads a multi-row `VALUES` list. `sqlite_sequence` is
    /// SQLite's own table of one row per `AUTOINCREMENT` table.
    static func isUnindexedScan(_ detail: String) -> Bool {
        detail.hasPrefix("SCAN ") && detail != "SCAN sqlite_sequence" && !detail.contains("USING INDEX")
            && !detail.contains("USING COVERING INDEX")
            && !detail.contains("USING INTEGER PRIMARY KEY") && !detail.contains("CONSTANT ROW")
    }
}
