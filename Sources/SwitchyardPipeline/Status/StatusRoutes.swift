import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus
import SwitchyardJobs
import SwitchyardStore
import Synchronization

/// Request counts and durations per route template (never per URI), method and status, in a
/// Prometheus registry.
public struct RouteMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry
    private let cache = MetricsCache()

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    static var buckets: [Duration] {
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
        let (counter, histogram) = cache.metrics(for: key) { key in
            let route = ("route", key.route), method = ("method", key.method)
            return (
                registry.makeCounter(
                    descriptor: MetricNameDescriptor(
                        metricName: "http_requests", unitName: "total", helpText: "Requests per route"),
                    labels: [route, method, ("status", "\(key.status)")]),
                registry.makeDurationHistogram(
                    descriptor: MetricNameDescriptor(
                        metricName: "http_request_duration", unitName: "seconds",
                        helpText: "Time to the response head, per route"),
                    labels: [route, method], buckets: Self.buckets)
            )
        }
        counter.increment()
        histogram.record(ContinuousClock.now - start)
    }
}

/// The registry's metric objects per route, method and status, looked up once.
final class MetricsCache: Sendable {
    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let metrics = Mutex<[Key: (Prometheus.Counter, DurationHistogram)]>([:])

    func metrics(for key: Key, make: (Key) -> (Prometheus.Counter, DurationHistogram)) -> (
        Prometheus.Counter, DurationHistogram
    ) {
        if let found = metrics.withLock({ $0[key] }) { return found }
        let made = make(key)
        metrics.withLock { $0[key] = made }
        return made
    }
}

extension Router {
    /// `GET /health` (the database answers: 200, else 503) and `GET /metrics` (Prometheus
    /// text format).
    public func addStatusRoutes(database: SQLiteDatabase, metrics: PrometheusCollectorRegistry) {
        get("health") { _, _ -> Response in
            let healthy = (try? await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
            let body =
                healthy ? #"{"status":"ok","database":"ok"}"# : #"{"status":"degraded","database":"unavailable"}"#
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
    }
}
