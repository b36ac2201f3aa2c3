// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so the main package and CI never build
// package-benchmark. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "SwitchyardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Switchyard", path: "../"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // A plain executable of the fan-out case, for profilers (`perf record`) and quick checks:
        // `swift run -c release pubsub-fanout 100 2000000`.
        .executableTarget(
            name: "pubsub-fanout",
            dependencies: [.product(name: "SwitchyardAgents", package: "Switchyard")],
            path: "Sources/pubsub-fanout"
        ),
        // Memory per started, supervised idle agent, one measurement per process:
        // `swift run -c release idle-agents 100000` (run it a few times).
        .executableTarget(
            name: "idle-agents",
            dependencies: [
                .product(name: "SwitchyardAgents", package: "Switchyard"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/idle-agents"
        ),
        // Job-queue burn-down on SQLite: `swift run -c release jobs-burndown 20000 1 4 16`.
        .executableTarget(
            name: "jobs-burndown",
            dependencies: [
                .product(name: "SwitchyardJobs", package: "Switchyard"),
                .product(name: "SwitchyardStore", package: "Switchyard"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/jobs-burndown"
        ),
        // Bare Hummingbird "hello", the peer of the API path in scripts/bench/http.sh.
        .executableTarget(
            name: "hello-server",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Sources/hello-server"
        ),
        // The Pipeline's layers without the network, beside a bare router:
        // `swift run -c release pipeline-layers 200000 64`.
        .executableTarget(
            name: "pipeline-layers",
            dependencies: [
                .product(name: "SwitchyardPipeline", package: "Switchyard"),
                .product(name: "SwitchyardJobs", package: "Switchyard"),
                .product(name: "SwitchyardStore", package: "Switchyard"),
                .product(name: "SwitchyardTesting", package: "Switchyard"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/pipeline-layers"
        ),
        // What the API path's durable write costs, piece by piece: `swift run -c release write-costs`.
        .executableTarget(
            name: "write-costs",
            dependencies: [
                .product(name: "SwitchyardPipeline", package: "Switchyard"),
                .product(name: "SwitchyardJobs", package: "Switchyard"),
                .product(name: "SwitchyardStore", package: "Switchyard"),
                .product(name: "SwitchyardTesting", package: "Switchyard"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Sources/write-costs"
        ),
        .executableTarget(
            name: "PubSubBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SwitchyardAgents", package: "Switchyard"),
            ],
            path: "Benchmarks/PubSubBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
