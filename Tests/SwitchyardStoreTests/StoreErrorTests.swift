import Foundation
import GRDB
import SwitchyardStore
import SwitchyardTesting
import Testing

/// Start-up failures of the store name the file at fault, with a stable kind.
@Suite struct StoreErrorTests {
    @Test func aDatabaseInAMissingFolderIsCannotOpenAndNamesThePath() throws {
        let path = try temporaryFolder().appendingPathComponent("missing/app.sqlite").path
        #expect {
            _ = try SQLiteDatabase(path: path)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.kind == .cannotOpen && error.description.contains(path)
                && error.file == "SwitchyardStore/SQLiteDatabase.swift"
        }
    }

    @Test func aFileThatIsNotADatabaseIsCannotOpen() throws {
        let url = try temporaryFolder().appendingPathComponent("notes.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: url)
        #expect {
            let database = try SQLiteDatabase(path: url.path)
            try database.pool.read { db in _ = try db.tableExists("anything") }
        } throws: { ($0 as? StoreError)?.kind == .cannotOpen }
    }

    @Test func aSchemaFolderWithoutSQLIsNoMigrationsAndAMissingOneIsUnreadable() throws {
        let folder = try temporaryFolder()
        #expect { try Migration.files(in: folder) } throws: { ($0 as? StoreError)?.kind == .noMigrations }
        #expect {
            try Migration.files(in: folder.appendingPathComponent("missing"))
        } throws: { error in
            (error as? StoreError)?.kind == .unreadableSchema && "\(error)".contains("missing")
        }
    }

    @Test func equalityIgnoresWhereTheErrorWasMade() {
        let first = StoreError(.noMigrations, message: "no .sql files in schema")
        let second = StoreError(.noMigrations, message: "no .sql files in schema")
        #expect(first.line != second.line)
        #expect(first == second)
        #expect(first != StoreError(.unreadableSchema, message: "no .sql files in schema"))
    }
}
