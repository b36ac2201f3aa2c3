// The rules of `switchyard check`: the Multi-Agent and Pipeline checklists and anti-patterns,
// each with the examples its one generic test runs.

extension CheckRule {
    public static let oneResponsibility = CheckRule(
        id: "SY-CHECK-001", name: "agent-one-responsibility",
        summary:
            "An agent talks to the bus itself, answers with more than one kind of observation, or runs on two triggers.",
        rationale: """
            Each agent has ONE responsibility: one trigger in, one output out (the completion checklist). The runtime \
            (PureLogicAgentService, LLMAgentService) subscribes the agent to its trigger and publishes its \
            observation; an agent that holds the PubSub or calls it, that returns two observation cases, or that \
            is started on two triggers does more than one thing. Split it into two agents.
            """,
        severity: .error, track: .multiAgent,
        cleanExamples: [
            """
            struct StockWatcher: PureLogicAgent {
                let name = "stock_watcher"
                func observe(_ report: ServiceReport) -> KitchenSignal {
                    .restock(order(for: report))
                }
            }
            let watcher = PureLogicAgentService(
                StockWatcher(), trigger: KitchenTopics.service, observations: KitchenTopics.observations, bus: bus)
            """
        ],
        violatingExamples: [
            """
            struct StockWatcher: PureLogicAgent {
                let name = "stock_watcher"
                let bus: PubSub  // ←
                func observe(_ report: ServiceReport) -> KitchenSignal { .restock([:]) }
            }
            """,
            """
            struct StockWatcher: PureLogicAgent {
                let name = "stock_watcher"
                func observe(_ report: ServiceReport) -> KitchenSignal {
                    if report.missed.isEmpty { return .restock([:]) }
                    return .demand(hot: [], cold: [])  // ←
                }
            }
            """,
            """
            let children: [ChildSpec] = [
                ChildSpec("stock_watcher", stage: .pureAgents) {
                    PureLogicAgentService(StockWatcher(), trigger: Topics.service, observations: Topics.seen, bus: bus)
                },
                ChildSpec("stock_watcher_on_ticks", stage: .pureAgents) {
                    PureLogicAgentService(StockWatcher(), trigger: Topics.tick, observations: Topics.seen, bus: bus)  // ←
                },
            ]
            """,
        ])

    public static let llmFallback = CheckRule(
        id: "SY-CHECK-002", name: "llm-agent-without-fallback",
        summary: "An LLM agent or a coordinator has no fallback of its own, or its fallback traps.",
        rationale: """
            All LLM agents have fallback logic (the completion checklist), and so does the coordinator: when the model \
            is missing, slow, failing or unparsable, the runtime answers with `fallback(for:reason:)` (an LLMAgent) \
            or `fallbackDecision(for:)` (a CoordinatorLogic). A fallback that calls fatalError or \
            preconditionFailure turns a model outage into a crash.
            """,
        severity: .error, track: .multiAgent,
        cleanExamples: [
            """
            struct PricingAdvisor: LLMAgent {
                let name = "pricing_advisor"
                func prompt(for report: ServiceReport) -> ModelRequest { .user("Suggest prices.") }
                func parse(_ reply: ModelReply, for report: ServiceReport) throws -> KitchenSignal { .pricing([:]) }
                func fallback(for report: ServiceReport, reason: FallbackReason) -> KitchenSignal { .pricing([:]) }
            }
            """,
            """
            struct PricingAdvisor: LLMAgent {
                let name = "pricing_advisor"
            }
            extension PricingAdvisor {
                func fallback(for report: ServiceReport, reason: FallbackReason) -> KitchenSignal {
                    .pricing(fallbackOutput(for: report, reason: reason))
                }
            }
            struct KitchenCoordinator: CoordinatorLogic {
                let expectedAgents: Set<String> = ["pricing_advisor"]
                func fallbackDecision(for window: CollectedWindow<ServiceReport, KitchenSignal>) -> KitchenDecision {
                    decide(window)
                }
            }
            """,
        ],
        violatingExamples: [
            """
            struct PricingAdvisor: LLMAgent {  // ←
                let name = "pricing_advisor"
                func prompt(for report: ServiceReport) -> ModelRequest { .user("Suggest prices.") }
                func parse(_ reply: ModelReply, for report: ServiceReport) throws -> KitchenSignal { .pricing([:]) }
            }
            """,
            """
            struct PricingAdvisor: LLMAgent {
                let name = "pricing_advisor"
                func fallback(for report: ServiceReport, reason: FallbackReason) -> KitchenSignal {
                    fatalError("the model is down")  // ←
                }
            }
            """,
            """
            struct KitchenCoordinator: CoordinatorLogic {  // ←
                let expectedAgents: Set<String> = ["pricing_advisor"]
            }
            """,
        ])

    public static let blockingCall = CheckRule(
        id: "SY-CHECK-003", name: "blocking-model-call",
        summary: "App code calls a model outside the runtime, or blocks a thread (a semaphore, `wait()`, `sleep`).",
        rationale: """
            LLM calls are non-blocking (the completion checklist): an LLMAgent or a CoordinatorLogic only builds the \
            prompt and parses the reply, and the runtime calls the model on its own task, with a timeout and the \
            fallback. A worker (Worker, RequestWorker) may call its model: the worker pool or the proxy runs it \
            with its status and timeout. Anywhere else a model call holds up a mailbox or a request, and a \
            semaphore, `wait()` or `sleep` blocks one of the few threads every task shares.
            """,
        severity: .error, track: .both,
        cleanExamples: [
            """
            struct PricingAdvisor: LLMAgent {
                let name = "pricing_advisor"
                func prompt(for report: ServiceReport) -> ModelRequest { .user("Suggest prices.") }
                func parse(_ reply: ModelReply, for report: ServiceReport) throws -> KitchenSignal { .pricing([:]) }
                func fallback(for report: ServiceReport, reason: FallbackReason) -> KitchenSignal { .pricing([:]) }
            }
            """,
            """
            struct SummarizeWorker: Worker {
                let queue = "summarize"
                let model: any LanguageModel
                func process(_ request: SummaryRequest, job: Job) async throws -> Summary {
                    let reply = try await model.complete(.user(request.text))
                    try await Task.sleep(for: .milliseconds(10))
                    return Summary(summary: reply.text, method: "model")
                }
            }
            struct LoggedModel: LanguageModel {
                let inner: any LanguageModel
                func complete(_ request: ModelRequest) async throws -> ModelReply {
                    try await inner.complete(request)
                }
            }
            """,
        ],
        violatingExamples: [
            """
            struct PricingDesk: Service {
                let model: any LanguageModel
                func run() async throws {
                    let reply = try await model.complete(.user("Suggest prices."))  // ←
                    print(reply.text)
                }
            }
            """,
            """
            func waitForTheModel(_ finished: DispatchGroup) {
                let done = DispatchSemaphore(value: 0)  // ←
                finished.wait()  // ←
                Thread.sleep(forTimeInterval: 0.1)  // ←
            }
            """,
        ])

    public static let unstructuredTask = CheckRule(
        id: "SY-CHECK-004", name: "unstructured-task",
        summary: "An unstructured `Task {}` or `Task.detached {}` in app code.",
        rationale: """
            Elixir's `Task.start` is the unsupervised process Elixir's own anti-pattern guide warns about: nobody \
            awaits it, cancels it at shutdown or sees it fail. Switchyard's runtime already runs agents and model \
            calls on supervised tasks; background work belongs in a Service's `run()` (a task group, a ChildSpec \
            in the supervisor tree). Fire-and-forget without status tracking is a Pipeline anti-pattern too: \
            enqueue a job instead.
            """,
        severity: .error, track: .both,
        cleanExamples: [
            """
            struct Printer: Service {
                func run() async throws {
                    try await withThrowingDiscardingTaskGroup { group in
                        group.addTask { try await printDirectives() }
                        if Task.isCancelled { return }
                        try await Task.sleep(for: .seconds(1))
                    }
                }
            }
            """
        ],
        // Example text, not code: the unstructured `Task {}` this rule reports.
        violatingExamples: [
            """
            func onTick(_ tick: Tick) {
                Task { await publish(tick) }  // ←
            }
            """,
            """
            func onTick(_ tick: Tick) {
                Task.detached(priority: .low) { await publish(tick) }  // ←
                let task = Task<Void, Never> { await publish(tick) }  // ←
            }
            """,
        ])

    public static let coordinatorWindow = CheckRule(
        id: "SY-CHECK-005", name: "coordinator-window-missing",
        summary: "A Coordinator is made without an explicit, positive collection window.",
        rationale: """
            A coordinator deciding without a collection window is an anti-pattern, and the \
            checklist asks for one. The runtime's default window hides the plan's value: pass \
            `options: .init(window: …)` (the generated coordinator's `static let window`), never `.zero`.
            """,
        severity: .error, track: .multiAgent,
        cleanExamples: [
            """
            let coordinator = Coordinator(
                KitchenCoordinator(), model: model, trigger: KitchenTopics.service,
                observations: KitchenTopics.observations, directives: KitchenTopics.directives, bus: bus,
                options: .init(window: KitchenCoordinator.window, modelTimeout: .milliseconds(600)), clock: clock)
            """
        ],
        violatingExamples: [
            """
            let coordinator = Coordinator(  // ←
                KitchenCoordinator(), model: model, trigger: KitchenTopics.service,
                observations: KitchenTopics.observations, directives: KitchenTopics.directives, bus: bus)
            """,
            """
            let coordinator = Coordinator(
                KitchenCoordinator(), model: model, trigger: KitchenTopics.service,
                observations: KitchenTopics.observations, directives: KitchenTopics.directives, bus: bus,
                options: CoordinatorOptions(modelTimeout: .seconds(1)))  // ←
            """,
            """
            let coordinator = Coordinator(
                KitchenCoordinator(), model: model, trigger: KitchenTopics.service,
                observations: KitchenTopics.observations, directives: KitchenTopics.directives, bus: bus,
                options: .init(window: .zero))  // ←
            """,
        ])

    public static let supervisorOrder = CheckRule(
        id: "SY-CHECK-006", name: "supervisor-order",
        summary:
            "Supervisor children are out of the builder's order: infrastructure, state, pure agents, LLM agents, coordinator, web.",
        rationale: """
            The supervisor tree order is correct (the completion checklist): children start in order and stop in \
            reverse, so state exists before the agents that read it, agents before the coordinator that waits for \
            them, the coordinator before the web that shows its directives. Supervisor refuses such a tree when it \
            starts; this finds it before.
            """,
        severity: .error, track: .multiAgent,
        cleanExamples: [
            """
            var children: [ChildSpec] = []
            children.append(.service("pubsub", stage: .infrastructure, bus))
            children += kitchen.children(.state)
            children += kitchen.children(.pureAgents)
            children += kitchen.children(.coordinator)
            """,
            """
            func children(_ stage: SupervisionStage) -> [ChildSpec] {
                switch stage {
                case .coordinator: return [ChildSpec("coordinator", stage: .coordinator) { makeCoordinator() }]
                case .state: return [.service("state", stage: .state, store)]
                default: return []
                }
            }
            """,
        ],
        violatingExamples: [
            """
            let children: [ChildSpec] = [
                .service("pubsub", stage: .infrastructure, bus),
                ChildSpec("coordinator", stage: .coordinator) { makeCoordinator() },
                ChildSpec("stock_watcher", stage: .pureAgents) { makeWatcher() },  // ←
            ]
            """,
            """
            var children: [ChildSpec] = [.service("pubsub", stage: .infrastructure, bus)]
            children += kitchen.children(.llmAgents)
            children += kitchen.children(.state)  // ←
            """,
        ])

    public static let agentsCallAgents = CheckRule(
        id: "SY-CHECK-007", name: "agents-call-agents",
        summary: "An agent refers to another agent or to the coordinator.",
        rationale: """
            Agents never call each other directly (the anti-patterns; use PubSub): each reads its trigger \
            and publishes one observation, and the coordinator combines them. A direct call couples their \
            failures and their timing, and hides a dependency the plan does not show.
            """,
        severity: .error, track: .multiAgent,
        cleanExamples: [
            """
            struct StockWatcher: PureLogicAgent {
                let name = "stock_watcher"
                func observe(_ report: ServiceReport) -> KitchenSignal { .restock([:]) }
            }
            struct DemandForecaster: PureLogicAgent {
                let name = "demand_forecaster"
                func observe(_ report: ServiceReport) -> KitchenSignal { .demand(hot: [], cold: []) }
            }
            """
        ],
        violatingExamples: [
            """
            struct StockWatcher: PureLogicAgent {
                let name = "stock_watcher"
                func observe(_ report: ServiceReport) -> KitchenSignal { .restock([:]) }
            }
            struct DemandForecaster: PureLogicAgent {
                let name = "demand_forecaster"
                func observe(_ report: ServiceReport) -> KitchenSignal {
                    let stock = StockWatcher().observe(report)  // ←
                    return .demand(hot: [], cold: [])
                }
            }
            """
        ])

    public static let stateOutsideStore = CheckRule(
        id: "SY-CHECK-008", name: "state-outside-store",
        summary:
            "State kept outside the StateStore: a global or static `var`, or an agent holding the store, the state or shared mutable state.",
        rationale: """
            State lives in the central state store, not scattered across agents (the anti-patterns): a \
            StateStore has one owner, publishes each change and survives a child's restart. An agent reads the \
            state from its trigger and never holds the store or its own copy; a global or static `var` is state \
            nobody owns. An agent may keep a little private memory of its own (a moving average), which dies \
            with it.
            """,
        severity: .warning, track: .multiAgent,
        cleanExamples: [
            """
            struct DemandForecaster: PureLogicAgent {
                let name = "demand_forecaster"
                var smoothing = 0.5
                private var average: [String: Double] = [:]
                var label: String { name.uppercased() }
                mutating func observe(_ report: ServiceReport) -> KitchenSignal { .demand(hot: [], cold: []) }
            }
            struct KitchenApp {
                let store: StateStore<KitchenState>
                static var encoder: JSONEncoder { JSONEncoder() }
            }
            struct Serve: ParsableCommand {
                static var configuration = CommandConfiguration(abstract: "Run the kitchen.")
            }
            """
        ],
        violatingExamples: [
            """
            struct StockWatcher: PureLogicAgent {
                let name = "stock_watcher"
                let store: StateStore<KitchenState>  // ←
                var kitchen: KitchenState  // ←
                func observe(_ report: ServiceReport) -> KitchenSignal { .restock([:]) }
            }
            """,
            """
            var servedToday: [String: Int] = [:]  // ←
            enum Kitchen {
                static var revenue = 0  // ←
            }
            """,
            """
            final class PricingAdvisor: PureLogicAgent, @unchecked Sendable {
                let name = "pricing_advisor"
                var lastPrices: [String: Int] = [:]  // ←
                func observe(_ report: ServiceReport) -> KitchenSignal { .pricing([:]) }
            }
            """,
        ])

    public static let workerStatus = CheckRule(
        id: "SY-CHECK-009", name: "worker-without-status",
        summary: "A worker type is neither a `Worker` nor a `RequestWorker`, so nothing tracks its status.",
        rationale: """
            Every worker tracks status (the Pipeline checklist): claim, mark processing, complete or stuck, \
            never fire-and-forget. Switchyard's WorkerPool keeps that status for a `Worker` (a durable job with \
            attempts), and ThinProxy bounds and reports a `RequestWorker`; a worker of its own kind keeps none.
            """,
        severity: .error, track: .pipeline,
        cleanExamples: [
            """
            struct SummarizeWorker: Worker {
                let queue = "summarize"
                func process(_ request: SummaryRequest, job: Job) async throws -> Summary { Summary() }
            }
            struct KeywordsWorker {
                let name = "keywords"
            }
            extension KeywordsWorker: RequestWorker {
                func handle(_ input: KeywordsRequest) async throws -> Keywords { Keywords() }
            }
            """
        ],
        violatingExamples: [
            """
            struct EmailWorker {  // ←
                func send(_ email: Email) async throws { try await smtp.send(email) }
            }
            final class ReportWorker: Service {  // ←
                func run() async throws {}
            }
            """
        ])

    public static let logicInMiddleware = CheckRule(
        id: "SY-CHECK-010", name: "logic-in-middleware",
        summary: "A middleware or proxy type computes: a loop, or more than two arithmetic operations.",
        rationale: """
            No business logic in middleware or proxies (the Pipeline checklist; thick proxies are an \
            anti-pattern): a proxy extracts the request, forwards it to a worker, logs usage and returns; \
            middleware verifies and enriches the context. Computation belongs in a worker, where it is tracked \
            and tested on its own.
            """,
        severity: .warning, track: .pipeline,
        cleanExamples: [
            """
            struct AuditMiddleware<Context: RequestContext>: RouterMiddleware {
                func handle(
                    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
                ) async throws -> Response {
                    context.logger.info("request", metadata: ["path": .string(request.uri.path)])
                    return try await next(request, context)
                }
            }
            """
        ],
        violatingExamples: [
            """
            struct PricingProxy {
                func handle(_ items: [Item]) -> Int {
                    var total = 0
                    for item in items { total += item.price * item.count }  // ←
                    return total
                }
            }
            """,
            """
            struct DiscountMiddleware<Context: RequestContext>: RouterMiddleware {
                func handle(
                    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
                ) async throws -> Response {
                    let price = context.price * 90 / 100 - context.credit + 1  // ←
                    return try await next(request, context)
                }
            }
            """,
        ])

    public static let errorContext = CheckRule(
        id: "SY-CHECK-011", name: "error-without-context",
        summary:
            "An error response without context: `HTTPError(.status)` with no message, an empty message, a bare error status.",
        rationale: """
            Error responses include rich context (the Pipeline checklist): a stable code, a message saying \
            what was wrong, a hint. Throw an APIError from the catalogue (RichErrorMiddleware renders it), or at \
            least give HTTPError a message.
            """,
        severity: .warning, track: .pipeline,
        cleanExamples: [
            """
            func decode(_ request: Request) throws -> Body {
                throw HTTPError(.badRequest, message: "the body must be JSON with a `text` field")
            }
            func refuse() -> Response {
                Response(status: .ok)
            }
            """
        ],
        violatingExamples: [
            """
            func decode(_ request: Request) throws -> Body {
                throw HTTPError(.badRequest)  // ←
            }
            """,
            """
            func decode(_ request: Request) throws -> Body {
                throw APIError(.badRequest, code: .invalidBody, message: "")  // ←
            }
            func refuse() -> Response {
                Response(status: .forbidden)  // ←
            }
            """,
        ])

    public static let silentCatch = CheckRule(
        id: "SY-CHECK-012", name: "silent-catch",
        summary: "An empty `catch {}` swallows an error.",
        rationale: """
            Silent degradation is an anti-pattern: a failure nobody sees is a failure nobody \
            fixes. Log it with context, rethrow it, or fall back on purpose in code that says so; a comment alone \
            does not run.
            """,
        severity: .error, track: .both,
        cleanExamples: [
            """
            do {
                try store.save(state)
            } catch {
                logger.error("save failed", metadata: ["error": "\\(error)"])
            }
            """
        ],
        violatingExamples: [
            """
            do {
                try store.save(state)
            } catch {}  // ←
            """,
            """
            do {
                try store.save(state)
            } catch let error as DecodingError {  // ←
                // never happens
            }
            """,
        ])

    public static let discardedTry = CheckRule(
        id: "SY-CHECK-013", name: "discarded-try",
        summary: "A `try?` whose result is thrown away: an error ignored without a word.",
        rationale: """
            `try? f()` as a statement is a silent catch in disguise (the silent-degradation anti-pattern). \
            Use `try`, or `do`/`catch` with a log line, or use the optional's value. Sleeping \
            (`try? await Task.sleep`, which fails only when cancelled), waiting for graceful shutdown and \
            clean-up in a `defer` are exempt.
            """,
        severity: .warning, track: .both,
        cleanExamples: [
            """
            func run() async {
                let input = (try? encoder.encode(trigger)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                try? await Task.sleep(for: .seconds(1))
                try? await gracefulShutdown()
                defer { try? FileManager.default.removeItem(at: folder) }
            }
            """
        ],
        violatingExamples: [
            """
            func cleanUp() {
                try? FileManager.default.removeItem(atPath: path)  // ←
            }
            """,
            """
            func cleanUp() async {
                _ = try? await jobs.cancel(id)  // ←
            }
            """,
        ])

    public static let conflictMarkers = CheckRule(
        id: "SY-CHECK-014", name: "conflict-markers",
        summary: "A file holds merge conflict markers (`<<<<<<<`, `=======`, `>>>>>>>` at the start of lines).",
        rationale: """
            A `switchyard build --merge` or a git merge that left its markers has not finished: the file does not \
            compile, and the next build would take the markers for your edit. Resolve the conflict, then build \
            again.
            """,
        severity: .error, track: .both,
        cleanExamples: [
            """
            // ======= a banner is fine: markers count only as a block at the start of lines
            let separator = "======="
            """
        ],
        violatingExamples: [
            """
            struct KitchenState {
            <<<<<<< ours  // ←
                var revenue = 0
            =======
                var revenue: Int = 0
            >>>>>>> theirs
            }
            """
        ])

    public static let placeholder = CheckRule(
        id: "SY-CHECK-015", name: "placeholder",
        summary: "Logic not written yet: a `Placeholder.unimplemented` call, with the plan line it stands for.",
        rationale: """
            The builder never invents domain logic: each plan line it could not turn into code is a placeholder \
            that returns a safe default (an LLM agent's fallback still answers) and logs once, so the app builds \
            and runs. Each one is listed so none ships by accident: replace it with the logic its plan line \
            states. A warning, not an error: an app with placeholders passes.
            """,
        severity: .warning, track: .both,
        cleanExamples: [
            """
            extension StockWatcher {
                func output(for trigger: ServiceReport) -> StockWatcherOutput { StockWatcherOutput(order: [:]) }
            }
            """
        ],
        violatingExamples: [
            """
            extension StockWatcher {
                func output(for trigger: ServiceReport) -> StockWatcherOutput {
                    Placeholder.unimplemented("docs/plans/kitchen.md:64", "Order one lot.", default: .placeholder)  // ←
                }
            }
            """
        ])

    public static let topicsMatchPlan = CheckRule(
        id: "SY-CHECK-016", name: "topics-match-plan",
        summary: "A topic in the code is in no plan, or a built plan's topic is missing from the code.",
        rationale: """
            PubSub topics match the plan (the completion checklist): a Multi-Agent plan's `## Topics`, plus the \
            `{domain}:agent_observation`, `{domain}:coordinator_directive` and `{domain}:state_changed` every \
            feature has. A topic only the code knows has no plan line; one only the plan knows has nobody \
            publishing or subscribing. A plan is compared once it is built (in the manifest) or the code uses its \
            domain; a plan with open questions is not compared (run `switchyard plan lint`).
            """,
        severity: .error, track: .multiAgent,
        cleanExamples: [
            """
            enum KitchenTopics {
                static let tick = Topic<Tick>("kitchen:tick")
                static let observations = Topic<Observation<KitchenSignal>>.agentObservations(domain: "kitchen")
                static let directives = Topic<Directive<KitchenDecision>>.coordinatorDirectives(domain: "kitchen")
                static let stateChanged = Topic<StateChange<KitchenState>>("kitchen:state_changed")
            }
            """
        ],
        violatingExamples: [
            """
            enum KitchenTopics {
                static let tick = Topic<Tick>("kitchen:tock")  // ←
                static let observations = Topic<Observation<KitchenSignal>>.agentObservations(domain: "kitchen")
                static let directives = Topic<Directive<KitchenDecision>>.coordinatorDirectives(domain: "kitchen")
                static let stateChanged = Topic<StateChange<KitchenState>>("kitchen:state_changed")
            }
            """
        ],
        examplePlanTopics: [
            "kitchen:tick", "kitchen:agent_observation", "kitchen:coordinator_directive", "kitchen:state_changed",
        ])

    public static let suppressionWithoutReason = CheckRule(
        id: "SY-CHECK-017", name: "suppression-without-reason",
        summary: "A `// switchyard:ignore` comment gives no ` -- reason`, or names no rule.",
        rationale: """
            A finding may be suppressed only with a reason a reviewer can judge: \
            `// switchyard:ignore SY-CHECK-004 -- why`, on the finding's line or the line before (several ids \
            separated by commas). Without a reason, or naming no known rule, it suppresses nothing. This rule's \
            own findings cannot be suppressed.
            """,
        severity: .warning, track: .both,
        // Example text, not code: a `Task {}` suppressed with and without a reason.
        cleanExamples: [
            """
            func start() {
                // switchyard:ignore SY-CHECK-004 -- the demo's one-shot banner; nothing awaits it
                Task { await banner() }
            }
            """
        ],
        violatingExamples: [
            """
            func start() {
                // switchyard:ignore SY-CHECK-004  // ←
                Task { await banner() }
            }
            """,
            """
            func start() {
                // switchyard:ignore SY-CHECK-999 -- not a rule  // ←
                Task { await banner() }  // switchyard:ignore unstructured-task -- the demo's banner
            }
            """,
        ])

    public static let queryIndexed = CheckRule(
        id: "SY-CHECK-018", name: "query-not-indexed",
        summary: "A SQL query that filters, joins or sorts scans a whole table: no index serves it.",
        rationale: """
            Database queries are indexed (the Pipeline checklist). The app's schema (`CREATE` statements \
            in its Swift string literals and in schema/*.sql) is applied to a scratch SQLite database and each \
            query literal with WHERE, JOIN, ORDER BY or GROUP BY is explained (SwitchyardStore's index audit, \
            EXPLAIN QUERY PLAN): a `SCAN` of a table without an index is a finding. Queries on tables the app \
            does not create (Switchyard's own, audited by its tests) are skipped. Add an index on the columns \
            the query filters by.
            """,
        severity: .error, track: .both,
        cleanExamples: [
            """
            enum UserSQL {
                static let schema = "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, plan TEXT)"
                static let byEmail = "SELECT id FROM users WHERE email = ?"
                static let count = "SELECT COUNT(*) FROM users"
                static let jobs = "SELECT id FROM switchyard_jobs WHERE queue = ?"
                static let help = "Create an account (an email and a password) first."
            }
            """
        ],
        violatingExamples: [
            """
            enum UserSQL {
                static let schema = "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, plan TEXT)"
                static let onPlan = "SELECT id FROM users WHERE plan = ?"  // ←
            }
            """
        ])
}
