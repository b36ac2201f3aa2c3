import Foundation
import SwitchyardStore

/// A new, empty folder of its own under the system's temporary directory.
public func temporaryFolder(_ prefix: String = "switchyard") throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// A fresh SQLite file in a temporary folder of its own.
public func temporaryDatabase(_ prefix: String = "switchyard") throws -> SQLiteDatabase {
    try SQLiteDatabase(path: temporaryFolder(prefix).appendingPathComponent("test.sqlite").path)
}
