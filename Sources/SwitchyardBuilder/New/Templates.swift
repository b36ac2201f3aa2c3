import Foundation

/// The files every new app has, whatever its track.
enum Templates {
    static func common(_ names: NewApp.Names, track: Plan.Track, switchyardPath: String) -> [NewApp.File] {
        [
            NewApp.File(path: "README.md", contents: readme(names, track: track, switchyardPath: switchyardPath)),
            NewApp.File(path: ".ci/run", contents: ciRun, executable: true),
            NewApp.File(path: ".gitignore", contents: gitignore),
            NewApp.File(path: "docs/plans/.gitkeep", contents: ""),
            NewApp.File(path: "docs/decisions/.gitkeep", contents: ""),
        ]
    }

    /// The swift-tools-version line and the upcoming features Switchyard uses.
    static let packageHeader = """
        // swift-tools-version: 6.1
        import PackageDescription

        let upcoming: [SwiftSetting] = [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]

        """

    static let swiftLog = #".package(url: "https://github.com/apple/swift-log.git", from: "1.16.2")"#
    static let serviceLifecycle =
        #".package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0")"#
    static let hummingbird = #".package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1")"#
    static let hummingbirdAuth =
        #".package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0")"#
    static let httpTypes = #".package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0")"#
    static let grdb = #".package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0")"#
    static let nio = #".package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0")"#

    /// `text` as a Swift string literal.
    static func swiftString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func readme(_ names: NewApp.Names, track: Plan.Track, switchyardPath: String) -> String {
        let about: String
        switch track {
        case .multiAgent:
            about = """
                A Multi-Agent backend built on [Switchyard](\(switchyardPath)): a supervisor tree of agents on a \
                pub/sub bus — infrastructure, state, pure-logic agents, LLM agents and a coordinator that turns \
                their observations into directives. With no model configured, LLM agents and the coordinator \
                run on their fallbacks.
                """
        case .pipeline:
            about = """
                A Pipeline backend built on [Switchyard](\(switchyardPath)): an HTTP API (Hummingbird) on one \
                SQLite file, with sessions (sign-up and log-in), plans and usage limits, and durable job workers \
                behind thin proxies.
                """
        }
        let run: String
        switch track {
        case .multiAgent:
            run = """
                swift run \(names.executable)               # runs until Ctrl-C (SIGINT) or SIGTERM
                swift run \(names.executable) --seconds 5   # a smoke run: stops after 5 seconds
                """
        case .pipeline:
            run = """
                swift run \(names.executable)               # serves on [server] host and port; Ctrl-C stops it
                curl http://127.0.0.1:8080/health
                """
        }
        return """
            # \(names.module)

            \(about)

            Made by `switchyard new \(names.module) --track \(track.rawValue)`. Features are added by \
            `switchyard build`, from a plan and its decisions.

            ## Adding a feature

            1. Write the plan, `docs/plans/FEATURE.md`, and its decisions, `docs/decisions/FEATURE.md`, in the \
            format of [Switchyard's plan format](\(switchyardPath)/docs/plan-format.md).
            2. Check them: `switchyard plan lint FEATURE`; answer its questions in the documents until it is clean.
            3. Build it: `switchyard build FEATURE` — generated files, and entries between \
            `switchyard:begin`/`switchyard:end` markers in the shared files (`Sources/\(names.module)/Application.swift`, \
            `switchyard.toml`), committed stage by stage.
            4. Check the app: `switchyard check`.

            ## Running

            ```sh
            \(run)
            swift test
            ```

            A model for the LLM steps is configured in `switchyard.toml`'s `[llm]` table (or with the \
            `SWITCHYARD_LLM_*` variables); keys stay in environment variables, never in the file.

            `.ci/run` builds, tests, and runs `switchyard check` and `switchyard build --check`.

            """
    }

    static let ciRun = """
        #!/usr/bin/env bash
        # Continuous integration: build, test, and check that the features are built from their
        # plans. SWITCHYARD names the switchyard command (default: `switchyard` on the PATH).
        set -euo pipefail
        cd "$(dirname "$0")/.."
        swift build --build-tests
        swift test
        ${SWITCHYARD:-switchyard} check
        ${SWITCHYARD:-switchyard} build --check

        """

    static let gitignore = """
        .build
        .swiftpm/
        Package.resolved
        *.sqlite
        *.sqlite-shm
        *.sqlite-wal

        """
}
