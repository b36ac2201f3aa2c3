import HTTPTypes
import Hummingbird
import Metrics

extension Router where Context == PipelineContext {
    /// The root layer, outermost first: route metrics (``RouteMetricsMiddleware``, through
    /// `metrics`, the app's metrics backend; `nil` records none), the rich
    /// error envelope, each route's body limit (``BodyLimits``; default 2 MiB everywhere),
    /// then session verification.
    public func addRootMiddleware(
        sessions: SessionSigner, metrics: (any MetricsFactory)?, bodyLimits: BodyLimits = BodyLimits()
    ) {
        if let metrics { add(middleware: RouteMetricsMiddleware(factory: metrics)) }
        add(middleware: RichErrorMiddleware())
        add(middleware: BodyLimitMiddleware(bodyLimits))
        add(middleware: SessionMiddleware(signer: sessions))
    }

    /// The API group: an ``APIContext`` (authenticated callers only) behind the subscription
    /// and usage-limit gates. Add ``FeatureAccessMiddleware`` to the group of each feature's
    /// routes. `charging` says when a request is counted (see
    /// ``UsageLimitMiddleware/Charging``).
    public func apiGroup(
        _ path: RouterPath = "api", subscriptions: any PlanSubscriptionStore, plans: [String: Plan], meter: UsageMeter,
        cost: @escaping @Sendable (Request) -> Int = UsageLimitMiddleware.writesCostOne,
        charging: UsageLimitMiddleware.Charging = .byProxy
    ) -> RouterGroup<APIContext> {
        group(path, context: APIContext.self)
            .add(middleware: SubscriptionMiddleware(subscriptions: subscriptions, plans: plans))
            .add(middleware: UsageLimitMiddleware(meter: meter, cost: cost, charging: charging))
    }
}

extension Router {
    /// The methods answered with 405 on a path that exists under other methods. (HEAD on a
    /// GET route is left to the router: make it with `options: .autoGenerateHeadEndpoints`;
    /// CONNECT and TRACE, and unknown methods, stay 404.)
    static var answeredMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options] }

    /// Answers a known path requested with another method with 405 `method_not_allowed` and
    /// an `Allow` header naming the methods it has, instead of the router's 404.
    ///
    /// Call it once, after the last route: it registers, for each path, a responder for each
    /// method the path lacks, behind the middleware added so far (so the 405 has the error
    /// envelope and is counted under the route's template). Routes added later get 404 for
    /// other methods.
    public func addMethodNotAllowedResponses() {
        var methods: [String: (path: RouterPath, methods: [HTTPRequest.Method])] = [:]
        for route in routes {
            methods[route.path.description, default: (route.path, [])].methods.append(route.method)
        }
        for (path, allowed) in methods.values {
            let allow = allowed.sorted { $0.rawValue < $1.rawValue }
            for method in Self.answeredMethods where !allowed.contains(method) {
                if method == .head && allowed.contains(.get) { continue }
                on(path, method: method) { request, _ -> Response in
                    throw APIError.methodNotAllowed(request.method, allow: allow)
                }
            }
        }
    }
}
