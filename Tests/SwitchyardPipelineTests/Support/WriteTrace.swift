import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

/// Every statement the database's writer runs, as `VERB table` (reads of the next id as
/// `NEXT_ID table`); transaction control is left out.
final class WriteTrace: Sendable {
    private let statements = Mutex<[String]>([])

    init(_ database: SQLiteDatabase) async throws {
        try await database.pool.writeWithoutTransaction { db in
            db.trace(options: .statement) { [self] event in
                guard case .statement(let statement) = event else { return }
                if let line = Self.summary(statement.sql) { statements.withLock { $0.append(line) } }
            }
        }
    }

    /// Takes the statements recorded so far.
    func take() -> [String] {
        statements.withLock { statements in
            defer { statements = [] }
            return statements
        }
    }

    static func summary(_ sql: String) -> String? {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" }).map(String.init)
        guard let verb = words.first?.uppercased() else { return nil }
        switch verb {
        case "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA": return nil
        case "INSERT": return "INSERT \(words[2])"
        case "UPDATE": return "UPDATE \(words[1])"
        case "DELETE": return "DELETE \(words[2])"
        case "SELECT":
            let table = words.last { $0.hasPrefix("switchyard_") } ?? "?"
            return sql.contains("MAX(") ? "NEXT_ID \(table)" : "SELECT \(table)"
        default: return sql
        }
    }
}
