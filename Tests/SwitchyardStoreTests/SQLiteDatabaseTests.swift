import Foundation
import GRDB
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

/// What `SQLiteDatabase` promises about locks: a busy timeout, and write transactions that
/// begin `IMMEDIATE`, so writers from other connections (other processes) queue instead of
/// failing with `SQLITE_BUSY`.
@Suite struct SQLiteDatabaseTests {
    /// The SQL statements `database`'s writer connection starts, as they start.
    func statements(of database: SQLiteDatabase) throws -> AsyncStream<String> {
        let (statements, sink) = AsyncStream<String>.makeStream()
        try database.pool.writeWithoutTransaction { db in
            db.trace { event in
                if case .statement(let statement) = event { sink.yield(statement.sql) }
            }
        }
        return statements
    }

    /// Waits until `statements` reports one that begins a transaction.
    func transactionBegins(in statements: AsyncStream<String>) async {
        for await sql in statements where sql.hasPrefix("BEGIN") { return }
    }

    @Test func theBusyTimeoutIsSetOnTheWriterAndTheReaders() throws {
        let path = try temporaryFolder().appendingPathComponent("busy.sqlite").path
        let database = try SQLiteDatabase(path: path, configuration: .init(busyTimeout: .milliseconds(1234)))
        #expect(try database.pool.write { try Int.fetchOne($0, sql: "PRAGMA busy_timeout") } == 1234)
        #expect(try database.pool.read { try Int.fetchOne($0, sql: "PRAGMA busy_timeout") } == 1234)
    }

    /// A database whose writer waits long for a lock: however loaded the machine, the test's
    /// own pause (while it checks that the write has not ended) never outlasts it.
    func patientDatabase(path: String? = nil) throws -> SQLiteDatabase {
        let path = try path ?? temporaryFolder().appendingPathComponent("patient.sqlite").path
        return try SQLiteDatabase(path: path, configuration: .init(busyTimeout: .seconds(600)))
    }

    @Test func aWriteWaitsForAnotherConnectionsLockInsteadOfFailing() async throws {
        let database = try patientDatabase()
        try await database.pool.write { try $0.execute(sql: "CREATE TABLE t (x INTEGER)") }
        let writerStatements = try statements(of: database)
        // Another connection (as another process would) holds the write lock.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: database.path, configuration: configuration)
        try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }

        try await withThrowingTaskGroup(of: Void.self) { group in
            let outcome = Mutex<Result<Void, any Error>?>(nil)
            group.addTask {
                do {
                    try await database.pool.write { try $0.execute(sql: "INSERT INTO t VALUES (1)") }
                    outcome.withLock { $0 = .success(()) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
            }
            await transactionBegins(in: writerStatements)
            // Without a busy timeout the write fails with SQLITE_BUSY the moment it meets the lock.
            let endedWhileLocked = await eventually(maxYields: 20_000) { outcome.withLock { $0 != nil } }
            try other.inDatabase { try $0.execute(sql: "COMMIT") }
            try await group.waitForAll()
            #expect(!endedWhileLocked, "the write ended while the lock was held")
            try #require(outcome.withLock { $0 }).get()
        }
        #expect(try await database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM t") } == 1)
    }

    @Test func readThenWriteTransactionsOfTwoConnectionsQueueInsteadOfConflicting() async throws {
        // Two databases on one file: two processes. Each reads the counter, then writes it + 1.
        // Begun DEFERRED, the second would write in between and the first would fail with
        // SQLITE_BUSY (a stale snapshot, which no busy timeout cures); begun IMMEDIATE, the second
        // waits for the first to commit, then reads its value.
        let first = try temporaryDatabase()
        try await first.pool.write { db in
            try db.execute(sql: "CREATE TABLE counter (value INTEGER NOT NULL); INSERT INTO counter VALUES (0)")
        }
        let second = try patientDatabase(path: first.path)
        let secondStatements = try statements(of: second)
        let (firstHasRead, firstHasReadSink) = AsyncStream<Void>.makeStream()
        let releaseFirst = DispatchSemaphore(value: 0)

        let reads = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            let secondDone = Mutex(false)
            group.addTask {
                let read = try await first.pool.write { db in
                    let value = try Int.fetchOne(db, sql: "SELECT value FROM counter") ?? -1
                    firstHasReadSink.yield()
                    releaseFirst.wait()  // GRDB's writer thread, not the test's: waits for the test's event
                    try db.execute(sql: "UPDATE counter SET value = ?", arguments: [value + 1])
                    return value
                }
                return ("first", read)
            }
            for await _ in firstHasRead { break }
            group.addTask {
                let read = try await second.pool.write { db in
                    let value = try Int.fetchOne(db, sql: "SELECT value FROM counter") ?? -1
                    try db.execute(sql: "UPDATE counter SET value = ?", arguments: [value + 1])
                    return value
                }
                secondDone.withLock { $0 = true }
                return ("second", read)
            }
            await transactionBegins(in: secondStatements)
            let secondWentFirst = await eventually(maxYields: 20_000) { secondDone.withLock { $0 } }
            releaseFirst.signal()
            #expect(!secondWentFirst, "the second transaction wrote while the first was open")
            var reads: [String: Int] = [:]
            for try await (name, value) in group { reads[name] = value }
            return reads
        }
        #expect(reads == ["first": 0, "second": 1])
        #expect(try await first.pool.read { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 2)
    }
}
