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

@Suite struct SubscriptionMiddlewareTests {
    @Test func onlyAnActiveSubscriptionToAConfiguredPlanPasses() async throws {
        let pipeline = try TestPipeline(subscriptions: [
            "ada": .init(plan: "free", status: .active), "bob": .init(plan: "pro", status: .pastDue),
            "eve": .init(plan: "platinum", status: .active),
        ])
        let router = pipelineTestRouter(sessions: pipeline.signer)
        router.group("api", context: APIContext.self)
            .add(middleware: SubscriptionMiddleware(subscriptions: pipeline.subscriptions, plans: testPlans))
            .get("plan") { _, context in context.plan?.name ?? "none" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/plan", method: .get, headers: pipeline.bearer("ada")) { response in
                #expect(String(buffer: response.body) == "free")
            }
            let expected: [(String, HTTPResponse.Status, String)] = [
                ("bob", .init(code: 402), "subscription_inactive"), ("carol", .init(code: 402), "no_subscription"),
                ("eve", .internalServerError, "plan_not_configured"),
            ]
            for (subject, status, code) in expected {
                try await client.execute(uri: "/api/plan", method: .get, headers: pipeline.bearer(subject)) {
                    response in
                    #expect(response.status == status)
                    let code_ = try errorBody(response).code
                    #expect(code_ == code)
                }
            }
        }
    }
}
