import GRDB

/// An `INSERT ... VALUES (...), (...), ...` of many rows, in statements of 64, 16, 4 or 1
/// rows: far fewer statements than one per row, and at most four shapes to prepare (GRDB
/// caches each on its connection).
public struct MultiRowInsert: Sendable {
    /// Rows per statement, largest first.
    static let sizes = [64, 16, 4, 1]
    /// The SQL for each of ``sizes``.
    private let statements: [String]
    /// The query behind ``nextID(in:)``, for an index audit.
    public let nextIDSQL: String

    /// - Parameters:
    ///   - table: the table rows go into, such as `t`.
    ///   - columns: the columns `row` gives, such as `a, b, status`.
    ///   - row: one row's values, such as `(?, ?, 'pending')`.
    ///   - autoincrement: the table's `id` is `AUTOINCREMENT`, so ids are never handed out
    ///     again, even after the newest rows are deleted: ``nextID(in:)`` counts on from the
    ///     largest id the table ever had (SQLite's `sqlite_sequence`), as SQLite would.
    public init(into table: String, columns: String, row: String, autoincrement: Bool = false) {
        let head = "INSERT INTO \(table) (\(columns)) VALUES "
        statements = Self.sizes.map { size in head + repeatElement(row, count: size).joined(separator: ", ") }
        nextIDSQL =
            autoincrement
            ? "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '\(table)'), 0), COALESCE(MAX(id), 0)) + 1 FROM \(table)"
            : "SELECT COALESCE(MAX(id), 0) + 1 FROM \(table)"
    }

    /// The id SQLite would give the table's next row (one past its largest `id`, or past the
    /// largest it ever had if `autoincrement`): rows inserted with ids counted from it need no
    /// reading back, and an insert with an explicit id moves `sqlite_sequence` on as any other
    /// insert does. Only inside a write transaction, whose lock lets no other insert come between.
    public func nextID(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: nextIDSQL))!
    }

    /// The statement inserting `rows` rows at once (one of 64, 16, 4 and 1), for an index audit.
    public func sql(rows: Int) -> String {
        statements[Self.sizes.firstIndex(of: rows)!]
    }

    /// Inserts `count` rows in `db`'s transaction; `append(i, &values)` appends row `i`'s
    /// values, in the order of `row`'s placeholders.
    public func execute(
        count: Int, in db: Database,
        values append: (_ row: Int, _ values: inout [(any DatabaseValueConvertible)?]) -> Void
    ) throws {
        var start = 0
        while start < count {
            let index = Self.sizes.firstIndex { $0 <= count - start }!
            let size = Self.sizes[index]
            var values: [(any DatabaseValueConvertible)?] = []
            for row in start..<start + size { append(row, &values) }
            try db.cachedStatement(sql: statements[index]).execute(arguments: StatementArguments(values))
            start += size
        }
    }
}
