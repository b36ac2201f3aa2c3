import Hummingbird
import Prometheus

extension Router where Context == PipelineContext {
    /// The root layer, outermost first: route metrics (when `metrics` is given), the rich
    /// error envelope, then session verification.
    public func addRootMiddleware(sessions: SessionSigner, metrics: PrometheusCollectorRegistry?) {
        if let metrics { add(middleware: RouteMetricsMiddleware(registry: metrics)) }
        add(middleware: RichErrorMiddleware())
        add(middleware: SessionMiddleware(signer: sessions))
    }

    /// The API group: an ``APIContext`` (authenticated callers only) behind the subscription
    /// and usage-limit gates. Add ``FeatureAccessMiddleware`` to the group of each feature's
    /// routes. `charging` says when a request is counted (see
    /// ``UsageLimitMiddleware/Charging``).
    public func apiGroup(
        _ path: RouterPath = "api", subscriptions: any SubscriptionStore, plans: [String: Plan], meter: UsageMeter,
        cost: @escaping @Sendable (Request) -> Int = UsageLimitMiddleware.writesCostOne,
        charging: UsageLimitMiddleware.Charging = .byProxy
    ) -> RouterGroup<APIContext> {
        group(path, context: APIContext.self)
            .add(middleware: SubscriptionMiddleware(subscriptions: subscriptions, plans: plans))
            .add(middleware: UsageLimitMiddleware(meter: meter, cost: cost, charging: charging))
    }
}
