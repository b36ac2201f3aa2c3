import Foundation
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

let secret = Array("an example secret of at least thirty-two bytes".utf8)

let testPlans: [String: Plan] = [
    "free": Plan(name: "free", features: ["echo"], limit: UsageLimit(units: 3)),
    "pro": Plan(name: "pro", features: ["echo", "shout"], limit: UsageLimit(units: 100)),
]

struct EchoInput: Codable, Sendable, Hashable {
    var text: String
}

/// A pipeline over a temporary database: root layer, API group with the three gates, an
/// `echo` route (durable proxy) and a `shout` route (pro, in-process proxy).
struct TestPipeline {
    let time = ManualTime()
    let database: SQLiteDatabase
    let signer: SessionSigner
    let subscriptions: FixedPlanSubscriptions
    let meter: UsageMeter
    let jobs: SQLiteJobStore
    let steps = StepLog()

    init(
        subscriptions: [String: PlanSubscription] = [
            "ada": .init(plan: "free", status: .active), "grace": .init(plan: "pro", status: .active),
        ]
    )
        throws
    {
        database = try temporaryDatabase()
        signer = try SessionSigner(secret: secret, lifetime: .seconds(3600), now: time.closure)
        self.subscriptions = FixedPlanSubscriptions(subscriptions)
        meter = try UsageMeter(database: database, writer: GroupCommit(database: database), now: time.closure)
        jobs = try SQLiteJobStore(database: database, now: time.closure)
    }

    struct Shout: RequestWorker {
        let name = "shout"
        func handle(_ input: EchoInput) async throws -> EchoInput { EchoInput(text: input.text.uppercased()) }
    }

    func router(
        plans: [String: Plan] = testPlans, charging: UsageLimitMiddleware.Charging = .beforeHandler,
        bodyLimits: BodyLimits = BodyLimits()
    ) -> Router<PipelineContext> {
        let router = pipelineTestRouter(sessions: signer, bodyLimits: bodyLimits)
        router.get("whoami") { _, context in context.identity?.subject ?? "anonymous" }
        router.get("boom") { _, _ -> String in throw SecretLeak() }
        let api = router.apiGroup(subscriptions: subscriptions, plans: plans, meter: meter, charging: charging)
        var echo = ThinProxy<EchoInput>.enqueue(to: "echo", jobs: jobs, meter: meter, statusPath: "/api/echo")
        let steps = self.steps
        echo.onStep = { step in steps.record(step) }
        api.group("echo").add(middleware: FeatureAccessMiddleware("echo", plans: plans)).post(use: echo.handle)
            .get("{id}", use: JobStatusLookup(EchoInput.self, queue: "echo", jobs: jobs).handle)
        api.group("shout").add(middleware: FeatureAccessMiddleware("shout", plans: plans))
            .post(use: ThinProxy.call(Shout(), timeout: .seconds(5), meter: meter).handle)
        return router
    }

    /// Root layer, then the usage gate alone (plan set by hand), then `handler` at
    /// `POST /api/work` (and `POST /api/other`, `GET /api/free-read`).
    func usageGateRouter(
        plan: Plan, charging: UsageLimitMiddleware.Charging = .beforeHandler,
        handler: @escaping @Sendable (Request, APIContext) async throws -> Response
    ) -> Router<PipelineContext> {
        let router = pipelineTestRouter(sessions: signer)
        router.group("api", context: APIContext.self).add(middleware: SetPlan(plan: plan))
            .add(middleware: UsageLimitMiddleware(meter: meter, charging: charging))
            .post("work", use: handler)
            .post("other") { _, _ in "other" }
            .get("free-read") { _, _ in "read" }
        return router
    }

    func bearer(_ subject: String) -> HTTPFields { signer.bearer(subject) }

    func bearer(_ subject: String, idempotencyKey: String) -> HTTPFields {
        signer.bearer(subject, idempotencyKey: idempotencyKey)
    }
}

struct SecretLeak: Error, CustomStringConvertible {
    var description: String { "SELECT * FROM users WHERE password = 'hunter2'" }
}

func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// Both ways of charging usage, for tests that must hold under either.
let chargings: [UsageLimitMiddleware.Charging] = [.beforeHandler, .byProxy]

final class StepLog: Sendable {
    private let steps = Mutex<[ThinProxy<EchoInput>.Step]>([])
    var all: [ThinProxy<EchoInput>.Step] { steps.withLock { $0 } }
    func record(_ step: ThinProxy<EchoInput>.Step) { steps.withLock { $0.append(step) } }
}

extension APIError.Code {
    /// A test handler's refusal.
    static let refused = Self("refused")
}
