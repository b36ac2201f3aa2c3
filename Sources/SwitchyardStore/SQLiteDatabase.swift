import Foundation
import GRDB
import Logging

/// An embedded SQLite database: the default store, as D1 is Cloudflare's.
///
/// Opened in WAL mode (readers never block the writer), with a busy timeout, and every write
/// transaction begins `IMMEDIATE` (GRDB's default for writes), so two writers queue instead
/// of failing with `SQLITE_BUSY` halfway through. Values are always bound, never concatenated.
public final class SQLiteDatabase: Sendable {
    /// How the database is opened.
    public struct Configuration: Sendable {
        /// How long a connection (the writer or a reader) waits for a lock before failing.
        /// Default 5 s.
        public var busyTimeout: Duration
        /// `synchronous` in WAL mode: `.normal` (durable across application crashes, may lose
        /// the last commits on power loss) or `.full` (durable across power loss). Default
        /// `.full`.
        public var synchronous: Synchronous
        /// Concurrent readers. Default 4.
        public var maximumReaders: Int

        public enum Synchronous: String, Sendable {
            case normal = "NORMAL"
            case full = "FULL"
        }

        public init(busyTimeout: Duration = .seconds(5), synchronous: Synchronous = .full, maximumReaders: Int = 4) {
            self.busyTimeout = busyTimeout
            self.synchronous = synchronous
            self.maximumReaders = maximumReaders
        }
    }

    /// The GRDB pool, for queries of your own.
    public let pool: DatabasePool
    public let path: String
    public let configuration: Configuration

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String, configuration: Configuration = .init()) throws {
        var grdb = GRDB.Configuration()
        grdb.journalMode = .wal
        grdb.busyMode = .timeout(configuration.busyTimeout.timeInterval)
        grdb.maximumReaderCount = configuration.maximumReaders
        let synchronous = configuration.synchronous.rawValue
        let busyMilliseconds = Int(configuration.busyTimeout.timeInterval * 1000)
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")  // a keyword from a closed enum, not input
            // GRDB gives the pool's readers a busy timeout of its own (10 s): give them ours.
            if db.configuration.readonly { try db.execute(sql: "PRAGMA busy_timeout = \(busyMilliseconds)") }  // an Int
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: grdb)
            // GRDB turns the writer to `synchronous = NORMAL` when it enables WAL, after
            // `prepareDatabase`: set it again on the writer, the connection that commits.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        } catch let error as DatabaseError {
            // SQLite's own words ("file is not a database"), never a statement's arguments.
            throw StoreError(
                .cannotOpen,
                message:
                    "cannot open the database \(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        }
        self.path = path
        self.configuration = configuration
    }

    /// Applies `migrations` not applied yet, in order, each in its own transaction; returns
    /// the names it applied. Applied migrations are recorded by name (GRDB's migrator).
    @discardableResult
    public func migrate(_ migrations: [Migration]) throws -> [String] {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        let before = try pool.read { db in try migrator.appliedMigrations(db) }
        try migrator.migrate(pool)
        let after = try pool.read { db in try migrator.appliedMigrations(db) }
        return after.filter { !before.contains($0) }
    }
}

/// One schema change: a name (recorded once applied) and its SQL.
public struct Migration: Sendable, Hashable {
    public var name: String
    public var sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }

    /// The `*.sql` files of `directory`, sorted by file name (`001_users.sql`,
    /// `002_jobs.sql`, ...), named after the file.
    /// - Throws: ``StoreError`` if the folder cannot be read or holds no `.sql` file.
    public static func files(in directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw StoreError(
                .unreadableSchema,
                message: "cannot read the schema folder \(directory.path): \(error.localizedDescription)")
        }
        let files = names.filter { $0.hasSuffix(".sql") }.sorted()
        guard !files.isEmpty else { throw StoreError(.noMigrations, message: "no .sql files in \(directory.path)") }
        return try files.map { file in
            let url = directory.appendingPathComponent(file)
            do {
                return Migration(name: String(file.dropLast(4)), sql: try String(contentsOf: url, encoding: .utf8))
            } catch {
                throw StoreError(.unreadableSchema, message: "cannot read \(url.path): \(error.localizedDescription)")
            }
        }
    }
}
