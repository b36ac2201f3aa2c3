import Foundation
import GRDB
import SwitchyardJobs
import SwitchyardStore
import SwitchyardTesting
import Testing

@Suite struct SQLiteStoreTests {
    @Test func migrationsRunOnceInOrderFromSchemaFiles() throws {
        let database = try temporaryDatabase()
        let folder = try temporaryFolder("schema")
        try "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);".write(
            to: folder.appendingPathComponent("001_users.sql"), atomically: true, encoding: .utf8)
        try "CREATE INDEX users_email ON users (email);".write(
            to: folder.appendingPathComponent("002_users_email.sql"), atomically: true, encoding: .utf8)
        try "not sql".write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let migrations = try Migration.files(in: folder)
        #expect(migrations.map(\.name) == ["001_users", "002_users_email"])
        #expect(try database.migrate(migrations) == ["001_users", "002_users_email"])
        #expect(try database.migrate(migrations) == [])
        #expect(throws: StoreError.self) { try Migration.files(in: folder.appendingPathComponent("missing")) }
    }

    @Test func everyJobQueryIsIndexed() throws {
        let database = try temporaryDatabase()
        _ = try SQLiteJobStore(database: database)
        #expect(try database.auditIndexes(SQLiteJobStore.auditedQueries) == [])
        // And the audit does catch a scan.
        let findings = try database.auditIndexes([
            AuditedQuery(name: "by_payload", sql: "SELECT * FROM switchyard_jobs WHERE payload = ?", arguments: ["{}"])
        ])
        #expect(findings.map(\.query) == ["by_payload"])
    }

    @Test func theDatabaseIsInWALModeWithAWaitingBusyHandler() throws {
        let database = try temporaryDatabase()
        let mode = try database.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // FULL (2) on the connection that commits, and on the readers.
        let writer = try database.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writer == 2)
        let reader = try database.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(reader == 2)
        let normal = try SQLiteDatabase(
            path: database.path + "-normal.sqlite", configuration: .init(synchronous: .normal))
        #expect(try normal.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
    }
}
