extension PipelineGenerator {
    /// The feature's routes, each in a group of its own behind the API layer's gates.
    func routes() -> GeneratedFile {
        var groups: [String] = []
        for (endpoint, member) in zip(pipeline.endpoints, endpointMembers) {
            let path = endpoint.path.split(separator: "/").joined(separator: "/")
            let limit = bodyLimit(endpoint).map {
                "\n            .add(middleware: BodyLimitMiddleware(BodyLimits(standard: \(grouped($0)))))"
            }
            // A thin proxy counts the request in the write that forwards it; a status lookup is
            // not a proxy: a cost on it is counted before it runs.
            let charging = endpoint.mode == .status ? ".beforeHandler" : ".byProxy"
            let method = endpoint.method.lowercased()
            groups.append(
                """
                        // \(endpoint.route): feature \(endpoint.feature.value), cost \(endpoint.cost), \(endpoint.mode.rawValue) (\(position(endpoint.position))).
                        router.group(\(PlanLiteral.stringLiteral(path)))\(limit ?? "")
                            .group(context: APIContext.self)
                            .add(middleware: SubscriptionMiddleware(subscriptions: backend.subscriptions, plans: plans))
                            .add(middleware: UsageLimitMiddleware(meter: backend.meter, cost: { _ in \(endpoint.cost) }, charging: \(charging)))
                            .add(middleware: FeatureAccessMiddleware(\(PlanLiteral.stringLiteral(endpoint.feature.value)), plans: plans))
                            .\(method)(use: \(member).handle)
                """)
        }
        let contents = """
            \(header("the middleware"))import Hummingbird
            import SwitchyardPipeline

            extension \(featureType) {
                /// The routes of \(plan.feature), each in its own group behind the layers of the API, in order: the
                /// route's body limit (where the plan gives one), an authenticated caller (the session the root
                /// layer verified), an active subscription, the usage limit (the route's cost in the plan's
                /// units; 429 past the plan's limit, counted by the proxy as it forwards), and the feature
                /// (403 outside the plans that include it). No business logic: the gates decide, the proxies
                /// forward.
                func addRoutes(to router: Router<PipelineContext>) {
                    let plans = backend.configuration.plans
            \(groups.joined(separator: "\n"))
                }
            }

            """
        return GeneratedFile(
            path: "\(sources)/Middleware/\(prefix)Routes.swift", fileClass: .generated, stage: .middleware,
            contents: contents)
    }

    /// `262144` → `262_144`.
    func grouped(_ number: Int) -> String {
        let digits = String(number)
        guard digits.count > 4 else { return digits }
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "_" }
            result.append(digit)
        }
        return result
    }
}
