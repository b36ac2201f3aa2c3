// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so the main package and CI never build
// package-benchmark. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "SwitchyardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Switchyard", path: "../"),
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
