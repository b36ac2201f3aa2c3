import Hummingbird
import Metrics
import Synchronization

/// Request counts and durations per route template (never per URI), method and status, through
/// swift-metrics: `http_requests_total{route,method,status}` (a counter) and
/// `http_request_duration_seconds{route,method}` (a timer). Which backend keeps them — Prometheus,
/// OpenTelemetry, StatsD — is the app's choice: pass its `MetricsFactory`, or leave the default,
/// the process's bootstrapped `MetricsSystem`.
public struct RouteMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory
    private let cache = MetricsCache()

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// The counter's label: `http_requests_total`.
    public static var requestsLabel: String { "http_requests_total" }
    /// The timer's label: `http_request_duration_seconds`.
    public static var durationLabel: String { "http_request_duration_seconds" }

    /// Histogram buckets suited to an API's response times (500 µs to 2 s), for backends that
    /// ask for them (swift-prometheus: `factory.durationHistogramBuckets[durationLabel]`).
    public static var durationBuckets: [Duration] {
        [
            .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
            .milliseconds(500), .seconds(2),
        ]
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let start = ContinuousClock.now
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = response.status.code
        } catch {
            record(
                request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
        record(request, context: context, status: status, since: start)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant) {
        let key = MetricsCache.Key(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status)
        let (counter, timer) = cache.metrics(for: key) { key in
            let route = ("route", key.route), method = ("method", key.method)
            return (
                Counter(
                    label: Self.requestsLabel, dimensions: [route, method, ("status", "\(key.status)")],
                    factory: factory),
                Metrics.Timer(label: Self.durationLabel, dimensions: [route, method], factory: factory)
            )
        }
        counter.increment()
        timer.record(duration: ContinuousClock.now - start)
    }
}

/// The metric objects per route, method and status, made once.
final class MetricsCache: Sendable {
    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let metrics = Mutex<[Key: (Counter, Metrics.Timer)]>([:])

    func metrics(for key: Key, make: (Key) -> (Counter, Metrics.Timer)) -> (Counter, Metrics.Timer) {
        if let found = metrics.withLock({ $0[key] }) { return found }
        let made = make(key)
        metrics.withLock { $0[key] = made }
        return made
    }
}
