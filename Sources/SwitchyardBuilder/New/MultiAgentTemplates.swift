/// The files of a Multi-Agent app (besides ``Templates/common(_:track:switchyardPath:)``).
enum MultiAgentTemplates {
    static func files(_ names: NewApp.Names, switchyardPath: String) -> [NewApp.File] {
        [
            NewApp.File(path: "Package.swift", contents: package(names, switchyardPath: switchyardPath)),
            NewApp.File(path: "Sources/\(names.module)/Application.swift", contents: application(names)),
            NewApp.File(path: "Sources/\(names.executableTarget)/main.swift", contents: main(names)),
            NewApp.File(path: "Tests/\(names.tests)/ApplicationTests.swift", contents: tests(names)),
            NewApp.File(path: "switchyard.toml", contents: configuration(names)),
        ]
    }

    /// The anchors of `Application.swift`, in order.
    static let anchors = ["features", "state", "pure-agents", "llm-agents", "coordinator"]

    static func package(_ names: NewApp.Names, switchyardPath: String) -> String {
        Templates.packageHeader + """

            let package = Package(
                name: "\(names.module)",
                platforms: [.macOS(.v15)],
                products: [
                    .library(name: "\(names.module)", targets: ["\(names.module)"]),
                    .executable(name: "\(names.executable)", targets: ["\(names.executableTarget)"]),
                ],
                dependencies: [
                    // Switchyard, by its path relative to this folder: move both together, or change the path.
                    .package(name: "Switchyard", path: \(Templates.swiftString(switchyardPath))),
                    \(Templates.swiftLog),
                    \(Templates.serviceLifecycle),
                ],
                targets: [
                    // The app: its supervisor tree (Application.swift) and the features `switchyard build` adds.
                    .target(
                        name: "\(names.module)",
                        dependencies: [
                            .product(name: "SwitchyardAgents", package: "Switchyard"),
                            .product(name: "SwitchyardModel", package: "Switchyard"),
                            .product(name: "SwitchyardPlaceholder", package: "Switchyard"),
                            .product(name: "Logging", package: "swift-log"),
                        ],
                        swiftSettings: upcoming
                    ),
                    // `swift run \(names.executable)`: runs the supervisor tree until stopped.
                    .executableTarget(
                        name: "\(names.executableTarget)",
                        dependencies: [
                            "\(names.module)",
                            .product(name: "SwitchyardAgents", package: "Switchyard"),
                            .product(name: "SwitchyardConfiguration", package: "Switchyard"),
                            .product(name: "SwitchyardLLM", package: "Switchyard"),
                            .product(name: "SwitchyardModel", package: "Switchyard"),
                            .product(name: "Logging", package: "swift-log"),
                            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                        ],
                        swiftSettings: upcoming
                    ),
                    .testTarget(
                        name: "\(names.tests)",
                        dependencies: [
                            "\(names.module)",
                            .product(name: "SwitchyardAgents", package: "Switchyard"),
                            .product(name: "Logging", package: "swift-log"),
                        ],
                        swiftSettings: upcoming
                    ),
                ],
                swiftLanguageModes: [.v6]
            )

            """
    }

    static func application(_ names: NewApp.Names) -> String {
        """
        // Shared with `switchyard build`: each feature's entries sit between its
        // `switchyard:begin`/`switchyard:end` markers, inserted before the stage's anchor.
        // Code outside the markers is yours.
        import Logging
        import SwitchyardAgents
        import SwitchyardModel

        /// The app's supervisor tree, in the builder's order: infrastructure, state, pure-logic agents,
        /// LLM agents, coordinator.
        public struct Application<C: Clock>: Sendable where C.Duration == Duration {
            public let bus: PubSub
            /// The model of the LLM agents and the coordinator; `nil` runs them on their fallbacks.
            public let model: (any LanguageModel)?
            public let clock: C
            public let logger: Logger

            public init(model: (any LanguageModel)?, clock: C, logger: Logger) {
                self.model = model
                self.clock = clock
                self.logger = logger
                self.bus = PubSub(logger: logger)
            }

            public func supervisor() throws -> Supervisor<C> {
                let (bus, model, clock, logger) = (bus, model, clock, logger)
                // Used by LLM agents and the coordinator, once features add them.
                _ = model
                // switchyard:anchor features
                var children: [ChildSpec] = []
                // 1. Infrastructure
                children.append(.service("pubsub", stage: .infrastructure, bus))
                // 2. State
                // switchyard:anchor state
                // 3. Pure-logic agents
                // switchyard:anchor pure-agents
                // 4. LLM agents
                // switchyard:anchor llm-agents
                // 5. Coordinator
                // switchyard:anchor coordinator
                return try Supervisor("\(names.executable)", children: children, clock: clock, logger: logger)
            }
        }

        """
    }

    static func main(_ names: NewApp.Names) -> String {
        """
        import Foundation
        import Logging
        import ServiceLifecycle
        import SwitchyardAgents
        import SwitchyardConfiguration
        import SwitchyardLLM
        import SwitchyardModel
        import UnixSignals
        import \(names.module)

        // `\(names.executable) [--config FILE] [--seconds N]`: runs the app's supervisor tree until
        // SIGINT (Ctrl-C) or SIGTERM stops it gracefully, or for N seconds (a smoke run).
        // The model comes from FILE's [llm] table (default ./switchyard.toml, if it exists) and the
        // SWITCHYARD_LLM_* variables; with none, LLM agents and the coordinator run on their fallbacks.

        LoggingSystem.bootstrap(StreamLogHandler.standardError)

        func fail(_ message: String) -> Never {
            FileHandle.standardError.write(Data("error: \\(message)\\n".utf8))
            exit(2)
        }

        var configPath = "switchyard.toml"
        var configNamed = false
        var seconds: Double?
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            switch argument {
            case "--config":
                guard let path = arguments.popFirst() else { fail("--config needs a file") }
                (configPath, configNamed) = (path, true)
            case "--seconds":
                guard let text = arguments.popFirst(), let value = Double(text), value.isFinite, value > 0 else {
                    fail("--seconds needs a positive number of seconds")
                }
                seconds = value
            case "--help", "-h":
                print("usage: \(names.executable) [--config FILE] [--seconds N]")
                exit(0)
            default:
                fail("unknown argument \\"\\(argument)\\"; usage: \(names.executable) [--config FILE] [--seconds N]")
            }
        }

        let logger = Logger(label: "\(names.executable)")
        let environment = ProcessInfo.processInfo.environment
        let model: (any LanguageModel)?
        do {
            var settings = LLMSettings()
            if configNamed || FileManager.default.fileExists(atPath: configPath) {
                settings = try LLMSettings(file: ConfigurationFile.load(path: configPath))
            }
            settings = settings.overridden(by: try LLMSettings.environment(environment))
            model = try settings.makeModel(environment: environment, logger: logger)
        } catch {
            fail("\\(error)")
        }

        let application = Application(model: model, clock: ContinuousClock(), logger: logger)
        let tree: Supervisor<ContinuousClock>
        do {
            tree = try application.supervisor()
        } catch {
            fail("\\(error)")
        }
        let group = ServiceGroup(
            configuration: .init(services: [tree], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await run(group, seconds: seconds)
        } catch {
            logger.error("the supervisor tree failed: \\(error)")
            exit(1)
        }

        /// Runs `group` until it stops, stopping it gracefully after `seconds` if given.
        func run(_ group: ServiceGroup, seconds: Double?) async throws {
            try await withThrowingTaskGroup(of: Bool.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return true
                }
                if let seconds {
                    tasks.addTask {
                        try? await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded())))
                        if !Task.isCancelled { await group.triggerGracefulShutdown() }
                        return false
                    }
                }
                // Once the group has stopped, the timer is no longer needed.
                while let stopped = try await tasks.next() {
                    if stopped { tasks.cancelAll() }
                }
            }
        }

        """
    }

    static func tests(_ names: NewApp.Names) -> String {
        """
        import Logging
        import SwitchyardAgents
        import Testing
        import \(names.module)

        @Suite struct ApplicationTests {
            @Test func theSupervisorTreeBuildsWithThePubSubFirst() throws {
                let application = Application(
                    model: nil, clock: ContinuousClock(), logger: Logger(label: "\(names.executable).tests"))
                let tree = try application.supervisor()
                #expect(tree.name == "\(names.executable)")
                #expect(tree.children.first?.name == "pubsub")
            }
        }

        """
    }

    static func configuration(_ names: NewApp.Names) -> String {
        """
        # \(names.module)'s configuration. Shared with `switchyard build`: features' tables sit between
        # their `switchyard:begin`/`switchyard:end` markers; everything else is yours.

        [check]
        # Rule severities of `switchyard check` go here.

        # A model for the LLM agents and the coordinator (else they run on their fallbacks):
        # [llm]
        # provider = "anthropic"            # or "openai" (any OpenAI-compatible server)
        # model = "claude-3-5-haiku-20241022"
        # api_key_env = "ANTHROPIC_API_KEY" # the variable that holds the key; never the key itself

        # A model for `switchyard build` to write the logic a plan states in prose (else placeholders):
        # [build.llm]
        # provider = "anthropic"
        # api_key_env = "ANTHROPIC_API_KEY"

        """
    }
}
