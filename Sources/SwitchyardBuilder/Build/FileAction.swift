/// What a build does to one path, and why.
public enum FileStatus: String, Hashable, Sendable, CaseIterable, Codable {
    /// A new file.
    case create
    /// Already what the plan produces.
    case identical
    /// The plan changed it and the user did not: rewritten.
    case update
    /// The user edited it and the plan did not change it: left as the user has it.
    case keep
    /// Both the user and the plan changed it: refused unless `--merge` settles it or `--force`
    /// matches it.
    case conflict
    /// No longer produced: removed with `--prune` when unedited, else left.
    case stale
    /// A shared file whose feature entries change.
    case insert
    /// A logic file the user edited: the user's.
    case skip
    /// A path the builder does not own: the whole build is refused.
    case forbidden
    /// A conflict `--merge` settled with a clean three-way merge.
    case merged
}

/// One path of a build: its status, and its bytes before and after.
public struct FileAction: Hashable, Sendable {
    public var path: String
    public var status: FileStatus
    public var fileClass: GeneratedFile.FileClass
    /// The stage whose commit carries it.
    public var stage: BuildStage
    /// On disk now (`nil`: absent).
    public var current: String?
    /// On disk after the build (`nil`: absent).
    public var result: String?
    /// What the manifest records for it after the build: the blob id of what was generated
    /// (generated and logic files), `nil` to drop the file from the manifest.
    public var recordedBlob: String?
    /// A logic file: the blob id of the plan's rendering (the placeholder file) when a model
    /// wrote the result, else `nil`.
    public var recordedSource: String?
    /// A logic file a model wrote: the model's name.
    public var writer: String?
    /// A logic file the plan renders anew (`create`, `update`): a configured model writes it.
    public var wantsWriting = false
    /// A conflict because another feature's build wrote the path (no merge or force settles it).
    public var ownedByAnotherFeature = false
    /// A shared file whose feature entries the user edited and the plan did not change.
    var keptEdit = false
    /// Shared files: the entries' blob ids after the build, by anchor.
    public var recordedEntries: [String: String]?
    /// A word on the status (`removed`, `edited: kept`, the reason of a conflict).
    public var note: String?

    /// Whether the build writes or removes it.
    public var changesDisk: Bool { current != result }
}
