import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline
import SwitchyardStore

/// The summaries SaaS API: a Pipeline-track backend on one SQLite file.
///
/// - `POST /auth/signup`, `POST /auth/login` — accounts (bcrypt), a session token back; rate
///   limited per client address (and log-in failures per account, in ``Accounts``), 429 with
///   `Retry-After` over the `[auth]` limits.
/// - `GET /api/me` — plan, features and usage this period.
/// - `POST /api/summaries` — thin proxy to the durable `summarize` worker (feature `summaries`).
/// - `GET /api/summaries/{id}` — the job's status and, when done, the summary.
/// - `POST /api/keywords` — thin proxy awaiting the in-process `keywords` worker (feature
///   `keywords`, in `pro` only).
/// - `GET /health`, `GET /metrics`.
public struct SummariesApp: Sendable {
    public let configuration: PipelineConfiguration
    public let database: SQLiteDatabase
    public let jobs: SQLiteJobStore
    public let meter: UsageMeter
    public let subscriptions: SQLitePlanSubscriptionStore
    public let accounts: Accounts
    public let signer: SessionSigner
    public let metrics: PrometheusCollectorRegistry
    /// Per client address: log-in attempts, and sign-ups (`[auth]`).
    let loginsPerAddress: RateLimiter
    let signupsPerAddress: RateLimiter
    public let summarizer: SummarizeWorker
    /// The proxies, exposed so tests can watch their steps.
    public var summariesProxy: ThinProxy<SummaryRequest>
    public var keywordsProxy: ThinProxy<KeywordsRequest>
    let logger: Logger

    /// The plans used when `switchyard.toml` defines none.
    public static let defaultPlans: [String: Plan] = [
        "free": Plan(name: "free", features: ["summaries"], limit: UsageLimit(units: 20, period: .day)),
        "pro": Plan(name: "pro", features: ["summaries", "keywords"], limit: UsageLimit(units: 1000, period: .day)),
    ]

    public init(
        configuration: PipelineConfiguration, sessionSecret: [UInt8], model: (any LanguageModel)?,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), bcryptCost: UInt8 = 10,
        now: @escaping @Sendable () -> Date = Date.init, rateLimitClock: some Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) throws {
        var configuration = configuration
        if configuration.plans.isEmpty { configuration.plans = Self.defaultPlans }
        self.configuration = configuration
        self.database = try SQLiteDatabase(path: configuration.databasePath)
        // One group commit for every request-path write: usage counts, enqueues, usage logs.
        let writer = GroupCommit(database: database)
        self.jobs = try SQLiteJobStore(database: database, writer: writer, now: now)
        self.meter = try UsageMeter(database: database, writer: writer, now: now)
        self.subscriptions = try SQLitePlanSubscriptionStore(database: database, now: now)
        self.signer = try SessionSigner(secret: sessionSecret, lifetime: configuration.session.lifetime, now: now)
        let auth = configuration.auth
        self.loginsPerAddress = RateLimiter(auth.loginsPerAddress, clock: rateLimitClock)
        self.signupsPerAddress = RateLimiter(auth.signupsPerAddress, clock: rateLimitClock)
        self.accounts = try Accounts(
            database: database, subscriptions: subscriptions, signer: signer, bcryptCost: bcryptCost,
            failedLogins: RateLimiter(auth.failedLoginsPerAccount, clock: rateLimitClock), metrics: metrics)
        self.metrics = metrics
        self.summarizer = SummarizeWorker(
            model: model, modelTimeout: configuration.workers.modelTimeout, logger: logger)
        self.summariesProxy = .enqueue(
            to: summarizer.queue, jobs: jobs, meter: meter, maxAttempts: configuration.workers.maxAttempts,
            statusPath: "/api/summaries")
        self.keywordsProxy = .call(KeywordsWorker(), timeout: configuration.workers.callTimeout, meter: meter)
        self.logger = logger
    }

    public func router() -> Router<PipelineContext> {
        // HEAD on every GET route (as GET, without the body); other methods on a known path: 405.
        let router = Router(context: PipelineContext.self, options: .autoGenerateHeadEndpoints)
        // Route metrics go through swift-metrics; this app keeps them in Prometheus.
        var metricsFactory = PrometheusMetricsFactory(registry: metrics)
        metricsFactory.durationHistogramBuckets[RouteMetricsMiddleware<PipelineContext>.durationLabel] =
            RouteMetricsMiddleware<PipelineContext>.durationBuckets
        router.addRootMiddleware(
            sessions: signer, metrics: metricsFactory, bodyLimits: configuration.server.bodyLimits)
        router.addHealthRoute(database: database)
        router.get("metrics") { [metrics] _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }

        let accounts = self.accounts
        struct Credentials: Decodable {
            var email: String
            var password: String
        }
        // The per-address limits run first: a refused request costs no decoding and no hash.
        let auth = router.group("auth")
        auth.group("signup").add(middleware: RateLimitMiddleware(perClientAddress: signupsPerAddress)).post {
            request, context in
            let credentials = try await decodeJSONBody(Credentials.self, from: request, context: context)
            return EditedResponse(
                status: .created,
                response: try await accounts.signUp(email: credentials.email, password: credentials.password))
        }
        auth.group("login").add(middleware: RateLimitMiddleware(perClientAddress: loginsPerAddress)).post {
            request, context -> Response in
            let credentials = try await decodeJSONBody(Credentials.self, from: request, context: context)
            let session = try await accounts.logIn(
                email: credentials.email, password: credentials.password,
                clientAddress: clientAddressKey(context.remoteAddress))
            var response = try context.responseEncoder.encode(session, from: request, context: context)
            response.setCookie(
                .init(
                    name: "session", value: session.token, maxAge: 7 * 86_400, path: "/", secure: false, httpOnly: true,
                    sameSite: .lax))
            return response
        }

        let plans = configuration.plans
        // Every costed route is a thin proxy: each counts its request in the write that
        // forwards it (for summaries, one durable transaction holds the count and the job).
        let api = router.apiGroup(subscriptions: subscriptions, plans: plans, meter: meter, charging: .byProxy)
        let meter = self.meter
        api.get("me") { _, context -> Me in
            let plan = context.plan!
            let now = Date()
            let usage = try await meter.usage(subject: context.identity.subject, period: plan.limit.period, at: now)
            return Me(
                userID: context.identity.subject, plan: plan.name, features: plan.features.sorted(),
                usage: .init(
                    used: usage.counter, limit: plan.limit.units, period: plan.limit.period.rawValue,
                    resetAt: plan.limit.period.reset(after: now)))
        }
        api.group("summaries")
            .add(middleware: FeatureAccessMiddleware("summaries", plans: plans))
            .post(use: summariesProxy.handle)
            .get("{id}", use: JobStatusLookup(Summary.self, queue: summarizer.queue, jobs: jobs).handle)
        api.group("keywords")
            .add(middleware: FeatureAccessMiddleware("keywords", plans: plans))
            .post(use: keywordsProxy.handle)
        router.addMethodNotAllowedResponses()
        return router
    }

    /// The durable summarize worker's pool.
    public func workerPool() -> WorkerPool<SummarizeWorker, ContinuousClock> {
        WorkerPool(
            summarizer, store: jobs, configuration: .init(concurrency: configuration.workers.concurrency),
            logger: logger)
    }

    /// The HTTP server, with the worker pool as a service beside it unless `workers` is false
    /// (when worker processes run elsewhere against the same database).
    public func application(workers: Bool = true) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(
                address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "summaries"),
            services: (workers ? [workerPool()] : []) + [IdempotencyKeyPruner(meter: meter)],
            logger: logger)
    }
}

/// A session is the body of a sign-up or log-in response.
extension Accounts.Session: ResponseEncodable {}

struct Me: ResponseEncodable {
    struct Usage: Encodable {
        var used: Int
        var limit: Int
        var period: String
        var resetAt: Date
    }

    var userID: String
    var plan: String
    var features: [String]
    var usage: Usage
}
