import Foundation

extension PipelineGenerator {
    /// The decisions' model, for logic that asks one.
    var modelNameLiteral: String { plan.decisions.model.map { PlanLiteral.stringLiteral($0.value) } ?? "nil" }

    var modelNameDoc: String {
        plan.decisions.model.map { "The model the decisions name (\(position($0.position)))" }
            ?? "The model the decisions name (none)"
    }

    /// A worker: durable (a `Worker` a `WorkerPool` runs) or in-process (a `RequestWorker` its
    /// proxy awaits). Status tracking, retries and timeouts are wiring; what it does is logic.
    func workerWiring(_ worker: WorkerPlan) -> GeneratedFile {
        let type = workerType(worker)
        let timeout = PlanLiteral.durationLiteral(worker.timeout.value)
        let common = """
                /// Attempts before \(worker.kind == .durable ? "a job is stuck" : "the call fails") (the plan's `attempts`).
                public static let attempts = \(worker.attempts)
                /// How long \(worker.kind == .durable ? "one attempt" : "a call, all attempts together,") may take (the plan's `timeout`).
                public static let timeout: Duration = \(timeout)
                /// \(modelNameDoc): pass it as a `ModelRequest`'s model.
                public static let modelName: String? = \(modelNameLiteral)
                /// The app's model; `nil` when none is configured (`[llm]` in switchyard.toml).
                let model: (any LanguageModel)?
                let logger: Logger
            """
        let result = resultType(worker)
        let initializer =
            worker.kind == .durable
            ? """
                /// Runs an attempt within ``timeout`` on the worker's clock.
                private let bounded: @Sendable (@escaping @Sendable () async throws -> \(result)) async throws -> \(result)

                /// - Parameter clock: measures ``timeout``. Default the continuous clock.
                public init<C: Clock>(
                    model: (any LanguageModel)?, clock: C = ContinuousClock(), logger: Logger
                ) where C.Duration == Duration {
                    self.model = model
                    self.bounded = { attempt in try await withTimeout(Self.timeout, clock: clock, operation: attempt) }
                    self.logger = logger
                }
            """
            : """
                public init(model: (any LanguageModel)?, logger: Logger) {
                    self.model = model
                    self.logger = logger
                }
            """
        let contents: String
        switch worker.kind {
        case .durable:
            contents = """
                \(header("the durable worker \(worker.name)"))import Foundation
                import Logging
                import SwitchyardJobs
                import SwitchyardModel

                /// The durable worker \(worker.name) (\(position(worker.position))): the jobs of the queue
                /// `\(worker.name)`, run by a `WorkerPool`. Each job is checked and claimed, marked processing, run
                /// (each attempt within \(durationText(worker.timeout.value))), then marked completed, or retried with backoff and
                /// marked stuck after \(worker.attempts) attempt\(worker.attempts == 1 ? "" : "s"): never fire-and-forget. What it does is
                /// ``perform(_:job:)``, its logic (Logic/\(type)Logic.swift).
                public struct \(type): Worker {
                    public let queue = \(PlanLiteral.stringLiteral(worker.name))
                \(common)

                \(initializer)

                    public func process(_ payload: \(payloadType(worker)), job: Job) async throws -> \(result) {
                        try await bounded { try await perform(payload, job: job) }
                    }
                }

                """
        case .inProcess:
            let handle =
                worker.attempts == 1
                ? """
                    public func handle(_ input: \(payloadType(worker))) async throws -> \(resultType(worker)) {
                        try await perform(input)
                    }
                """
                : """
                    /// Tries up to ``attempts`` times; a refusal of the input (a 4xx `APIError`) is not
                    /// retried.
                    public func handle(_ input: \(payloadType(worker))) async throws -> \(resultType(worker)) {
                        var attempt = 1
                        while true {
                            do {
                                return try await perform(input)
                            } catch {
                                if error is CancellationError || attempt >= Self.attempts { throw error }
                                if let refusal = error as? APIError, refusal.status.code < 500 { throw refusal }
                                attempt += 1
                            }
                        }
                    }
                """
            contents = """
                \(header("the in-process worker \(worker.name)"))import Foundation
                \(worker.attempts == 1 ? "" : "import HTTPTypes\n")import Logging
                import SwitchyardModel
                import SwitchyardPipeline

                /// The in-process worker \(worker.name) (\(position(worker.position))): awaited by its proxy, which
                /// answers 504 past \(durationText(worker.timeout.value)). What it does is ``perform(_:)``, its logic
                /// (Logic/\(type)Logic.swift); to refuse an input, throw an `APIError` with a 4xx status.
                public struct \(type): RequestWorker {
                    public let name = \(PlanLiteral.stringLiteral(worker.name))
                \(common)

                \(initializer)

                \(handle)
                }

                """
        }
        return GeneratedFile(
            path: "\(sources)/Workers/\(type).swift", fileClass: .generated, stage: .workers, contents: contents)
    }

    /// What a worker does: the plan's `processing`, a placeholder until written.
    func workerLogic(_ worker: WorkerPlan) -> GeneratedFile {
        let type = workerType(worker)
        let prose = worker.processing
        let placeholder =
            "Placeholder.unimplemented(\(PlanLiteral.stringLiteral(position(prose.position))), \(PlanLiteral.stringLiteral(prose.value)), default: .placeholder)"
        let function: String
        switch worker.kind {
        case .durable:
            function = """
                    /// \(prose.value)
                    /// (\(position(prose.position)))
                    ///
                    /// Throw to fail the attempt: it is retried, and after ``attempts`` the job is stuck.
                    func perform(_ payload: \(payloadType(worker)), job: Job) async throws -> \(resultType(worker)) {
                        \(placeholder)
                    }
                """
        case .inProcess:
            function = """
                    /// \(prose.value)
                    /// (\(position(prose.position)))
                    ///
                    /// Throw an `APIError` with a 4xx status to refuse the input.
                    func perform(_ input: \(payloadType(worker))) async throws -> \(resultType(worker)) {
                        \(placeholder)
                    }
                """
        }
        let contents = """
            \(logicHeader("What the worker \(worker.name) does"))import Foundation
            \(worker.kind == .durable ? "import SwitchyardJobs\n" : "")import SwitchyardModel
            import SwitchyardPipeline
            import SwitchyardPlaceholder

            extension \(type) {
            \(function)
            }

            """
        return GeneratedFile(
            path: "\(sources)/Logic/\(type)Logic.swift", fileClass: .logic, stage: .workers, contents: contents,
            sources: [prose.position])
    }

    // MARK: - Proxies

    /// The feature's workers and thin proxies, made from the app's `Backend`.
    func proxies() -> GeneratedFile {
        let members = endpointMembers
        var properties: [String] = []
        var assignments: [String] = []
        for worker in pipeline.workers {
            properties.append("    let \(workerMember(worker)): \(workerType(worker))")
            assignments.append(
                "        \(workerMember(worker)) = \(workerType(worker))(model: backend.model, logger: backend.logger)")
        }
        for (endpoint, member) in zip(pipeline.endpoints, members) {
            guard let worker = worker(named: endpoint.worker?.value) else { continue }
            let at = "\(endpoint.route) (\(position(endpoint.position)))"
            switch endpoint.mode {
            case .enqueue:
                properties.append(
                    """
                        /// \(at): enqueues on \(worker.name), and answers 202 with the job's id and status URL.
                        let \(member): ThinProxy<\(payloadType(worker))>
                    """)
                assignments.append(
                    """
                            \(member) = .enqueue(
                                \(payloadType(worker)).self, to: \(workerMember(worker)).queue, jobs: backend.jobs, meter: backend.meter,
                                maxAttempts: \(workerType(worker)).attempts, statusPath: \(PlanLiteral.stringLiteral(statusPath(worker) ?? "")))
                    """)
            case .call:
                properties.append(
                    """
                        /// \(at): awaits \(worker.name), and answers with its result (504 past its timeout).
                        let \(member): ThinProxy<\(payloadType(worker))>
                    """)
                assignments.append(
                    "        \(member) = .call(\(workerMember(worker)), timeout: \(workerType(worker)).timeout, meter: backend.meter)"
                )
            case .status:
                properties.append(
                    """
                        /// \(at): the status of a job of \(worker.name), for its owner.
                        let \(member): JobStatusLookup<\(resultType(worker))>
                    """)
                assignments.append(
                    "        \(member) = JobStatusLookup(\(resultType(worker)).self, queue: \(workerMember(worker)).queue, jobs: backend.jobs)"
                )
            }
        }
        let durable = pipeline.workers.filter { $0.kind == .durable }
        let pools = durable.map { worker in
            """
                        WorkerPool(
                            \(workerMember(worker)), store: backend.jobs,
                            configuration: .init(concurrency: backend.configuration.workers.concurrency), logger: backend.logger),
            """
        }
        let workerPools =
            durable.isEmpty
            ? ""
            : """

                /// The durable workers' pools: services beside the HTTP server.
                func workerPools() -> [any Service] {
                    [
            \(pools.joined(separator: "\n"))
                    ]
                }

            """
        let contents = """
            \(header("the workers and thin proxies"))import Hummingbird
            import ServiceLifecycle
            import SwitchyardJobs
            import SwitchyardPipeline

            /// The workers and thin proxies of \(plan.feature). A proxy does four things only: extracts the body as its
            /// worker's payload, forwards it (an enqueue, or a call within the worker's timeout), logs the usage,
            /// and answers. The routes and their gates are ``addRoutes(to:)`` (Middleware/\(prefix)Routes.swift).
            struct \(featureType): Sendable {
                let backend: Backend
            \(properties.joined(separator: "\n"))

                init(backend: Backend) {
                    self.backend = backend
            \(assignments.joined(separator: "\n"))
                }
            \(workerPools)}

            """
        return GeneratedFile(
            path: "\(sources)/Proxies/\(prefix)Proxies.swift", fileClass: .generated, stage: .workers,
            contents: contents.replacingOccurrences(of: "\n\n}\n", with: "\n}\n"))
    }

    var configurationType: String { "\(prefix)Configuration" }

    /// Where the app's configuration may disagree with the plan (its session, its routes' body
    /// limits): a check logged at start. `nil` when the plan gives neither.
    func configurationCheck() -> GeneratedFile? {
        let checks = configurationChecks()
        guard !checks.isEmpty else { return nil }
        let contents = """
            \(header("the configuration check"))import SwitchyardPipeline

            /// Where switchyard.toml disagrees with the plan of \(plan.feature): its session and its routes'
            /// body limits. `Backend` logs each as a warning at start; the file wins, as it is what runs.
            enum \(configurationType) {
                static func problems(in configuration: PipelineConfiguration) -> [String] {
                    var problems: [String] = []
            \(checks.joined(separator: "\n"))
                    return problems
                }
            }

            """
        return GeneratedFile(
            path: "\(sources)/Utilities/\(configurationType).swift", fileClass: .generated, stage: .utilities,
            contents: contents)
    }

    /// `Application.swift`'s entry in the utilities stage: the configuration check, logged.
    var utilitiesEntry: String {
        """
        for problem in \(configurationType).problems(in: configuration) {
            logger.warning("\\(problem)", metadata: ["feature": \(PlanLiteral.stringLiteral(plan.feature))])
        }
        """
    }

    /// The statements adding a problem where the configuration differs from the plan: the
    /// session (lifetime, secret variable) and each route's body limit.
    func configurationChecks() -> [String] {
        var checks: [String] = []
        if let session = pipeline.session {
            let seconds = session.lifetime.value.components.seconds
            checks.append(
                """
                        if configuration.session.lifetime != .seconds(\(grouped(Int(seconds)))) {
                            problems.append(
                                "the plan's session lifetime is \(durationText(session.lifetime.value)) (\(position(session.lifetime.position))), [session] lifetime_seconds \\(configuration.session.lifetime.components.seconds)")
                        }
                """)
            let variable = session.secretEnvironmentVariable.value
            checks.append(
                """
                        if configuration.session.secretVariable != \(PlanLiteral.stringLiteral(variable)) {
                            problems.append(
                                "the plan's session secret is in \(variable) (\(position(session.secretEnvironmentVariable.position))), [session] secret_env names \\(configuration.session.secretVariable)")
                        }
                """)
        }
        var first = true
        for endpoint in pipeline.endpoints {
            guard let limit = bodyLimit(endpoint) else { continue }
            if first {
                checks.append(
                    """
                            let bodyLimit = { (route: String) in
                                configuration.server.bodyLimits[route: route] ?? configuration.server.bodyLimits.standard
                            }
                    """)
                first = false
            }
            let route = PlanLiteral.stringLiteral(endpoint.path)
            checks.append(
                """
                        if bodyLimit(\(route)) < \(grouped(limit)) {
                            problems.append(
                                "the plan's body limit of \(endpoint.route) is \(limit) bytes (\(position(endpoint.position))), the server's \\(bodyLimit(\(route)))")
                        }
                """)
        }
        return checks
    }

    /// `Application.swift`'s entry in the workers-and-proxies stage.
    var workersEntry: String {
        let durable = pipeline.workers.contains { $0.kind == .durable }
        let make = "\(featureType)(backend: self)"
        switch (durable, pipeline.endpoints.isEmpty) {
        case (true, _):
            return "let \(featureVariable) = \(make)\nservices.append(contentsOf: \(featureVariable).workerPools())"
        case (false, false): return "let \(featureVariable) = \(make)"
        case (false, true): return "_ = \(make)"
        }
    }
}
