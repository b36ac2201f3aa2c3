import Foundation
import SwitchyardBuilder
import SwitchyardTesting
import Testing

/// A scratch app repository for build tests: a git repo with an `Application.swift` holding the
/// anchors, a switchyard.toml, and a feature's documents, all committed on `main`.
struct ScratchApp {
    let root: URL
    let git: Git
    static let identity = [
        "GIT_AUTHOR_NAME": "Switchyard Tests", "GIT_AUTHOR_EMAIL": "tests@switchyard.invalid",
        "GIT_COMMITTER_NAME": "Switchyard Tests", "GIT_COMMITTER_EMAIL": "tests@switchyard.invalid",
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    ]

    static let application = """
        import Logging
        import SwitchyardAgents

        public func children() {
            // switchyard:anchor features
            // 2. State
            // switchyard:anchor state
            // 3. Pure-logic agents
            // switchyard:anchor pure-agents
            // 4. LLM agents
            // switchyard:anchor llm-agents
            // 5. Coordinator
            // switchyard:anchor coordinator
        }

        """

    static let greenhouse = """
        ---
        feature: greenhouse
        track: Multi-Agent
        app: Greenhouse
        domain: greenhouse
        ---
        # Greenhouse

        ## State
        | field | type | initial | description |
        |---|---|---|---|
        | temperature | Double | 21 | air temperature, °C |

        ### Updates
        | on | does | publishes |
        |---|---|---|
        | greenhouse:tick | read the sensors | greenhouse:reading |
        | greenhouse:coordinator_directive | switch the heater | — |

        ## Topics
        | topic | message | fields | source |
        |---|---|---|---|
        | greenhouse:tick | Tick | number: UInt64 | ticker |
        | greenhouse:reading | Reading | temperature: Double | state |

        ## Ticker
        - every: 5s
        - publishes: greenhouse:tick

        ## Agents
        | agent | kind | trigger | responsibility | output | fallback |
        |---|---|---|---|---|---|
        | frost_guard | pure | greenhouse:reading | Ask for heat below 5 °C | heat(on: Bool) | — |
        | irrigation_planner | llm | greenhouse:reading | Decide which beds to water | water(beds: [String]) | water every bed |

        ## Coordinator
        - trigger: greenhouse:reading
        - window: 800ms
        - expects: all
        - directive: ClimateDirective(heater_on: Bool, water: [String])
        - decides: model
        - fallback: heat when frost_guard asks; water what irrigation_planner names

        """

    static let greenhouseDecisions = """
        # Decisions: greenhouse
        - store: sqlite
        - model: claude-3-5-haiku-20241022
        - provider: anthropic
        - window: 800ms

        """

    init(
        plan: String = Self.greenhouse, feature: String = "greenhouse", decisions: String? = Self.greenhouseDecisions,
        app: String = "Greenhouse", track: Plan.Track = .multiAgent
    ) throws {
        root = try temporaryFolder("switchyard-build")
        git = Git(root: root, environment: Self.identity)
        try git.run(["init", "-q", "-b", "main"])
        switch track {
        case .multiAgent:
            try write("Sources/\(app)/Application.swift", Self.application)
            try write("switchyard.toml", "[check]\n")
        case .pipeline:
            // The shared files of `switchyard new --track Pipeline`, with their anchors.
            let shared = ["Sources/\(app)/Application.swift", "switchyard.toml"]
            for file in NewApp.files(name: app, track: .pipeline, switchyardPath: "../Switchyard")
            where shared.contains(file.path) {
                try write(file.path, file.contents)
            }
        }
        try write("docs/plans/\(feature).md", plan)
        if let decisions { try write("docs/decisions/\(feature).md", decisions) }
        try commitAll("app")
    }

    var builder: Builder { Builder(root: root, git: git, generator: StandardGenerator()) }

    func write(_ path: String, _ text: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appending(path: path), encoding: .utf8)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appending(path: path))
    }

    func commitAll(_ message: String) throws {
        try git.run(["add", "-A"])
        try git.run(["commit", "-q", "--allow-empty", "-m", message])
    }

    /// Every file outside .git and its bytes.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            if relative.hasPrefix(".git/") || relative == ".git" { continue }
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            files[relative] = try Data(contentsOf: url)
        }
        return files
    }

    /// The commit subjects on HEAD, newest first.
    func subjects() throws -> [String] {
        try git.run(["log", "--format=%s"]).split(separator: "\n").map(String.init)
    }

    func statuses(_ outcome: BuildOutcome) -> [String: FileStatus] {
        Dictionary(
            outcome.actions.map { ($0.path + ($0.fileClass == .shared ? "#\($0.stage.rawValue)" : ""), $0.status) }
        ) {
            first, _ in first
        }
    }
}
