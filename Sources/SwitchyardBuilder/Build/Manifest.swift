import Foundation

/// `.switchyard/manifest.json`, committed with every build: for each owned file its class,
/// stage, feature and the git blob id of what the builder last wrote, and for each feature the
/// blob ids of the documents it was built from. Statuses are exact because of it: an edit is a
/// blob that differs from the recorded one.
public struct Manifest: Codable, Hashable, Sendable {
    public static let path = ".switchyard/manifest.json"

    public struct Feature: Codable, Hashable, Sendable {
        public var track: String
        /// The git blob id of `docs/plans/{feature}.md` at the last build.
        public var plan: String
        /// The git blob id of `docs/decisions/{feature}.md`, if there was one.
        public var decisions: String?
    }

    public struct File: Codable, Hashable, Sendable {
        public var fileClass: GeneratedFile.FileClass
        /// A generated or logic file's stage and feature; empty for a shared file.
        public var stage: BuildStage?
        public var feature: String?
        /// The blob id of what the builder last wrote (generated and logic files).
        public var blob: String?
        /// A shared file's entries: `"{feature} {stage}"` → the blob id of the entries' text.
        public var entries: [String: String]?
        /// A logic file a model wrote: the blob id of the placeholder file it replaced (what the
        /// plan rendered), so a rebuild of the same plan is `identical` and asks no model.
        public var source: String?
        /// A logic file a model wrote: the model's name (`anthropic:claude-…`).
        public var writer: String?

        enum CodingKeys: String, CodingKey {
            case fileClass = "class", stage, feature, blob, entries, source, writer
        }

        /// What the plan rendered last: ``source`` for a model's file, else ``blob``.
        var renderedBlob: String? { source ?? blob }
    }

    public var version = 1
    public var features: [String: Feature] = [:]
    public var files: [String: File] = [:]

    public init() {}

    /// Reads the manifest under `root`; an empty one when there is none.
    /// - Throws: when the file exists but is not a manifest (never overwritten then).
    public static func load(root: URL) throws -> Manifest {
        let url = root.appending(path: path)
        guard FileManager.default.fileExists(atPath: url.path) else { return Manifest() }
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
        } catch {
            throw BuildRefusal(
                .unreadableManifest, path: path, "\(path) is not a Switchyard manifest (\(error)); restore it from git")
        }
    }

    /// The manifest's bytes: sorted keys, a final newline.
    public func encoded() -> String { prettyJSON(self) }
}
