import Foundation
import Synchronization
import SwitchyardJobs
import SwitchyardStore

/// A fresh SQLite file in its own temporary folder.
func temporaryDatabase() throws -> SQLiteDatabase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try SQLiteDatabase(path: folder.appendingPathComponent("test.sqlite").path)
}

struct Email: Codable, Sendable, Equatable {
    var to: String
}
