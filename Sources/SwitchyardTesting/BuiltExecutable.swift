import Foundation

/// An executable product of this package, built beside the test binary (`swift build
/// --build-tests` builds them all), for tests that run it as a child process.
/// - Throws: ``ExecutableNotBuilt`` naming it when it is not there.
public func builtExecutable(_ name: String) throws -> URL {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        Bundle.main.bundleURL,
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug"),
    ]
    for folder in candidates {
        let url = folder.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw ExecutableNotBuilt(name: name)
}

/// ``builtExecutable(_:)`` found no such executable.
public struct ExecutableNotBuilt: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "\(name) not found next to the tests (build with `swift build --build-tests`)" }
}
