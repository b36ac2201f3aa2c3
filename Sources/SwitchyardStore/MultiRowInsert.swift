import GRDB

/// An `INSERT ... VALUES (...), (...), ...` of many rows, in statements of 64, 16, 4 or 1
/// rows: far fewer statements than one per row, and at most four shapes to prepare (GRDB
/// caches each on its connection).
public struct MultiRowInsert: Sendable {
    /// Rows per statement, largest first.
    static let sizes = [64, 16, 4, 1]
    /// The SQL for each of ``sizes``.
    private let statements: [String]

    /// - Parameters:
    ///   - head: the statement up to `VALUES`, such as `INSERT INTO t (a, b)`.
    ///   - row: one row's values, such as `(?, ?, 'pending')`.
    public init(_ head: String, row: String) {
        statements = Self.sizes.map { size in
            head + " VALUES " + repeatElement(row, count: size).joined(separator: ", ")
        }
    }

    /// The statement inserting `rows` rows at once (one of 64, 16, 4 and 1), for an index audit.
    public func sql(rows: Int) -> String {
        statements[Self.sizes.firstIndex(of: rows)!]
    }

    /// Inserts `count` rows in `db`'s transaction; `append(i, &values)` appends row `i`'s
    /// values, in the order of `row`'s placeholders.
    public func execute(
        count: Int, in db: Database, values append: (_ row: Int, _ values: inout [(any DatabaseValueConvertible)?]) -> Void
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
