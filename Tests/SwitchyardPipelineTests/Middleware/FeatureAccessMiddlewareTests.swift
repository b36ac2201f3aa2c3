import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct FeatureAccessMiddlewareTests {
    @Test func aFreeCallerCannotReachAProFeature() async throws {
        let pipeline = try TestPipeline()
        let router = pipelineTestRouter(sessions: pipeline.signer)
        for plan in testPlans.values {
            router.group("api/\(plan.name)", context: APIContext.self).add(middleware: SetPlan(plan: plan))
                .add(middleware: FeatureAccessMiddleware("shout", plans: testPlans))
                .get("shout") { _, _ in "SHOUT" }
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/free/shout", method: .get, headers: pipeline.bearer("ada")) {
                response in
                #expect(response.status == .forbidden)
                let error = try errorBody(response)
                #expect(error.code == "feature_not_in_plan")
                #expect(error.hint == "upgrade to pro")
                #expect(error.details == ["feature": "shout", "plan": "free"])
            }
            try await client.execute(uri: "/api/pro/shout", method: .get, headers: pipeline.bearer("ada")) { response in
                #expect(String(buffer: response.body) == "SHOUT")
            }
        }
    }
}
