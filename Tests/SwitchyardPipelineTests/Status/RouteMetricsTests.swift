import Hummingbird
import HummingbirdTesting
import Prometheus
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Testing

/// Route metrics, through swift-metrics into the app's backend (here swift-prometheus), and the
/// health route.
@Suite struct RouteMetricsTests {
    @Test func metricsUseRouteTemplatesAsLabels() async throws {
        let pipeline = try TestPipeline()
        let registry = PrometheusCollectorRegistry()
        let router = Router(context: PipelineContext.self)
        router.addRootMiddleware(sessions: pipeline.signer, metrics: PrometheusMetricsFactory(registry: registry))
        router.addHealthRoute(database: pipeline.database)
        router.get("metrics") { _, _ in String(decoding: registry.emitToBuffer(), as: UTF8.self) }
        router.get("items/{id}") { _, _ in "item" }
        try await Application(router: router).test(.router) { client in
            for id in 1...3 {
                try await client.execute(uri: "/items/\(id)", method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let json_ = try jsonBody(response)
                #expect(json_["database"] as? String == "ok")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"http_requests_total{route="/items/{id}",method="GET",status="200"} 3"#))
                #expect(!text.contains("/items/1"))
            }
        }
    }
}
