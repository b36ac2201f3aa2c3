/// The build's stages, in the order the builder implements a feature (the builder's order). Each
/// stage whose files changed is one commit on the feature branch.
public enum BuildStage: String, Hashable, Sendable, CaseIterable, Codable {
    // Multi-Agent
    case content
    case state
    case pureAgents = "pure-agents"
    case llmAgents = "llm-agents"
    case coordinator
    case supervisor
    // Pipeline
    case schema
    case utilities
    case workers = "workers-and-proxies"
    case middleware
    case config

    /// The track's stages, in build order.
    public static func stages(for track: Plan.Track) -> [BuildStage] {
        switch track {
        case .multiAgent: [.content, .state, .pureAgents, .llmAgents, .coordinator, .supervisor]
        case .pipeline: [.schema, .utilities, .workers, .middleware, .config]
        }
    }
}

/// A file the builder owns and produces for a feature.
public struct GeneratedFile: Hashable, Sendable {
    /// How the builder treats the file once it exists.
    public enum FileClass: String, Hashable, Sendable, Codable {
        /// Wiring rewritten from the plan at every build; marked at the top. A user's edit is
        /// kept (`keep`) until the plan changes too (`conflict`).
        case generated
        /// The domain functions a plan states in prose: created once (a placeholder, or a
        /// model's code), then the user's (`skip`).
        case logic
        /// A file several features add to (`Application.swift`, `switchyard.toml`): each
        /// feature's entries sit between its markers, inserted before the stage's anchor.
        case shared
    }

    /// Relative to the app's root, `/`-separated.
    public var path: String
    public var fileClass: FileClass
    public var stage: BuildStage
    /// The whole file (generated and logic files); for a shared file, the feature's entries
    /// for ``anchor``, inserted before `// switchyard:anchor {anchor}` (`#` in TOML).
    public var contents: String
    /// A shared file's anchor (`state`, `pure-agents`, `config`); `nil` for other files.
    public var anchor: String?
    /// The plan lines a logic file implements (placeholders name them).
    public var sources: [SourcePosition]

    public init(
        path: String, fileClass: FileClass, stage: BuildStage, contents: String, anchor: String? = nil,
        sources: [SourcePosition] = []
    ) {
        self.anchor = anchor
        self.path = path
        self.fileClass = fileClass
        self.stage = stage
        self.contents = contents
        self.sources = sources
    }
}

/// The marker lines of shared files: `// switchyard:anchor state`, and around a feature's
/// entries `// switchyard:begin greenhouse-climate state` … `// switchyard:end greenhouse-climate state`.
/// TOML files use `#`, SQL files `--` instead of `//`.
public enum SharedMarkers {
    public static func commentPrefix(forPath path: String) -> String {
        if path.hasSuffix(".toml") { return "#" }
        if path.hasSuffix(".sql") { return "--" }
        return "//"
    }

    public static func anchor(_ anchor: String, path: String) -> String {
        "\(commentPrefix(forPath: path)) switchyard:anchor \(anchor)"
    }

    public static func begin(_ feature: String, _ anchor: String, path: String) -> String {
        "\(commentPrefix(forPath: path)) switchyard:begin \(feature) \(anchor)"
    }

    public static func end(_ feature: String, _ anchor: String, path: String) -> String {
        "\(commentPrefix(forPath: path)) switchyard:end \(feature) \(anchor)"
    }

    /// The anchors named in `text`, in order.
    public static func anchors(in text: String, path: String) -> [String] {
        let prefix = "\(commentPrefix(forPath: path)) switchyard:anchor "
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingSpaces
            return trimmed.hasPrefix(prefix) ? String(trimmed.dropFirst(prefix.count)) : nil
        }
    }
}
