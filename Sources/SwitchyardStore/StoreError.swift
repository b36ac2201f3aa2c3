/// A store-level failure, with a message that names the file at fault (never a statement's
/// arguments).
public struct StoreError: Error, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The database file cannot be opened (missing folder, not a database, no permission).
        case cannotOpen = "cannot_open"
        /// The schema folder or one of its `.sql` files cannot be read.
        case unreadableSchema = "unreadable_schema"
        /// The schema folder holds no `.sql` file.
        case noMigrations = "no_migrations"
    }

    public let kind: Kind
    public let message: String
    /// Where in the code the error was made (`#fileID`); not part of equality.
    public let file: String
    /// The line in ``file``.
    public let line: Int

    public init(_ kind: Kind, message: String, file: String = #fileID, line: Int = #line) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(message)
    }
}
