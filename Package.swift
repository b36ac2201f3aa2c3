// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SwitchyardModel", targets: ["SwitchyardModel"]),
        .library(name: "SwitchyardConfiguration", targets: ["SwitchyardConfiguration"]),
        .library(name: "SwitchyardAgents", targets: ["SwitchyardAgents"]),
        .library(name: "SwitchyardLLM", targets: ["SwitchyardLLM"]),
        .library(name: "SwitchyardFakeLLM", targets: ["SwitchyardFakeLLM"]),
        .library(name: "SwitchyardTesting", targets: ["SwitchyardTesting"]),
        .library(name: "SwitchyardStore", targets: ["SwitchyardStore"]),
        .library(name: "SwitchyardJobs", targets: ["SwitchyardJobs"]),
        .library(name: "SwitchyardPipeline", targets: ["SwitchyardPipeline"]),
        .library(name: "SwitchyardBuilder", targets: ["SwitchyardBuilder"]),
        .library(name: "SwitchyardPlaceholder", targets: ["SwitchyardPlaceholder"]),
        .library(name: "SwitchyardPipelineTesting", targets: ["SwitchyardPipelineTesting"]),
        .executable(name: "switchyard", targets: ["switchyard"]),
        .executable(name: "kitchen-demo", targets: ["kitchen-demo"]),
        .executable(name: "summaries-api", targets: ["summaries-api"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),
        // Only for `switchyard check` (SwitchyardBuilder); no runtime module depends on it.
        .package(url: "https://github.com/swiftlang/swift-syntax.git", from: "603.0.1"),
    ],
    targets: [
        // The model protocol, its errors, timeouts, fallback chains and structured output: no
        // dependencies, so agents and workers can use models without an HTTP client.
        .target(name: "SwitchyardModel", swiftSettings: upcoming),
        // The one reader of switchyard.toml and its one error type.
        .target(
            name: "SwitchyardConfiguration",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: upcoming
        ),
        // The HTTP providers (Anthropic, OpenAI-compatible) and [llm] settings.
        .target(
            name: "SwitchyardLLM",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        // A local stand-in for the providers' HTTP APIs, scripted with faults: for tests and
        // for `switchyard fake-llm`.
        .target(
            name: "SwitchyardFakeLLM",
            dependencies: [
                "SwitchyardModel",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // What generated logic calls until it is written: a safe default, logged once.
        .target(
            name: "SwitchyardPlaceholder",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: upcoming
        ),
        // The backend builder: plan and decision documents in, owned code out (no runtime
        // module depends on it).
        .target(
            name: "SwitchyardBuilder",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardModel",
                // `switchyard check`'s index audit (EXPLAIN QUERY PLAN on a scratch SQLite file).
                "SwitchyardStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftParserDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardBuilderTests",
            dependencies: [
                "SwitchyardBuilder", "SwitchyardFakeLLM", "SwitchyardLLM", "SwitchyardPlaceholder", "SwitchyardTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Escalations", "Golden", "PipelinePlans"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardModelTests",
            dependencies: ["SwitchyardModel", "SwitchyardTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardConfigurationTests",
            dependencies: ["SwitchyardConfiguration"],
            swiftSettings: upcoming
        ),
        .target(
            name: "SwitchyardStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardStoreTests",
            dependencies: ["SwitchyardStore", "SwitchyardTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcoming
        ),
        .target(
            name: "SwitchyardJobs",
            dependencies: [
                "SwitchyardStore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "jobs-crash-worker",
            dependencies: [
                "SwitchyardJobs",
                "SwitchyardStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Helpers/jobs-crash-worker",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardJobsTests",
            dependencies: [
                "jobs-crash-worker",
                "SwitchyardJobs",
                "SwitchyardStore",
                "SwitchyardTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "SwitchyardPipeline",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardJobs",
                "SwitchyardModel",
                "SwitchyardStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        // Test helpers for Pipeline apps: bearer tokens, error-envelope decoding, in-memory plans.
        .target(
            name: "SwitchyardPipelineTesting",
            dependencies: [
                "SwitchyardPipeline",
                "SwitchyardTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardPipelineTests",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardPipeline",
                "SwitchyardPipelineTesting",
                "SwitchyardJobs",
                "SwitchyardStore",
                "SwitchyardTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "SwitchyardAgents",
            dependencies: [
                "SwitchyardModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "SwitchyardTesting",
            dependencies: [
                "SwitchyardModel",
                "SwitchyardStore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardBuilder",
                "SwitchyardFakeLLM",
                "SwitchyardLLM",
                "SwitchyardModel",
                "KitchenDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardLLMTests",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardFakeLLM",
                "SwitchyardModel",
                "SwitchyardLLM",
                "SwitchyardTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardCLITests",
            dependencies: [
                "SwitchyardBuilder", "SwitchyardFakeLLM", "SwitchyardModel", "switchyard", "SwitchyardLLM",
                "SwitchyardTesting",
            ],
            exclude: ["Golden"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SwitchyardAgentsTests",
            dependencies: [
                "SwitchyardModel",
                "SwitchyardAgents",
                "SwitchyardTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),

        // MARK: Examples
        .target(
            name: "KitchenDemo",
            dependencies: [
                "SwitchyardModel",
                "SwitchyardAgents",
                "SwitchyardLLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Kitchen/Sources/KitchenDemo",
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "kitchen-demo",
            dependencies: [
                "KitchenDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/Kitchen/Sources/kitchen-demo",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "KitchenDemoTests",
            dependencies: [
                "SwitchyardFakeLLM", "SwitchyardLLM", "SwitchyardModel", "KitchenDemo", "SwitchyardTesting",
            ],
            path: "Examples/Kitchen/Tests/KitchenDemoTests",
            swiftSettings: upcoming
        ),
        .target(
            name: "SummariesAPI",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardModel",
                "SwitchyardPipeline",
                "SwitchyardJobs",
                "SwitchyardStore",
                "SwitchyardLLM",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Summaries/Sources/SummariesAPI",
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "summaries-api",
            dependencies: [
                "SwitchyardConfiguration",
                "SwitchyardModel",
                "SummariesAPI",
                "SwitchyardLLM",
                "SwitchyardPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Summaries/Sources/summaries-api",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SummariesAPITests",
            dependencies: [
                "SwitchyardModel",
                "SummariesAPI",
                "SwitchyardPipeline",
                "SwitchyardPipelineTesting",
                "SwitchyardJobs",
                "SwitchyardLLM",
                "SwitchyardStore",
                "SwitchyardTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/Summaries/Tests/SummariesAPITests",
            swiftSettings: upcoming
        ),
    ],
    swiftLanguageModes: [.v6]
)
