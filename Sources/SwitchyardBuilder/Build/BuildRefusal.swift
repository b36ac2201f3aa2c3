/// Why a build writes nothing (exit status 2): a dirty owned path, a conflict nobody settled, a
/// path the builder must not write, a shared file without its anchor.
public struct BuildRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: String, Hashable, Sendable {
        case dirty, conflict, forbidden, missingAnchor = "missing-anchor", unreadableManifest = "unreadable-manifest"
        case notARepository = "not-a-repository", branch, invalidSwift = "invalid-swift"
        /// A type the feature declares is declared by another file of the app's module.
        case nameClash = "name-clash"
        /// A stage's commit failed (a hook, say): the stage was rolled back.
        case commitFailed = "commit-failed"
        /// A shared configuration file would no longer parse with the feature's entries.
        case invalidConfiguration = "invalid-configuration"
    }

    public var reason: Reason
    public var path: String?
    public var message: String

    public init(_ reason: Reason, path: String? = nil, _ message: String) {
        self.reason = reason
        self.path = path
        self.message = message
    }

    public var description: String { "\(path.map { "\($0): " } ?? "")\(reason.rawValue): \(message)" }
}
