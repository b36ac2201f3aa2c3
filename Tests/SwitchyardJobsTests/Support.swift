import Foundation
import Synchronization
import SwitchyardJobs
import SwitchyardStore

/// A wall clock the test moves.
final class ManualTime: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
    var closure: @Sendable () -> Date { { self.now } }
}

/// A fresh SQLite file in its own temporary folder.
func temporaryDatabase() throws -> SQLiteDatabase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try SQLiteDatabase(path: folder.appendingPathComponent("test.sqlite").path)
}

struct Email: Codable, Sendable, Equatable {
    var to: String
}
