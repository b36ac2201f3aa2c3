import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus
import SwitchyardJobs
import SwitchyardStore
import Synchronization

/// `GET …/{id}`: a durable job's status and, once completed, its result — for the job's owner,
/// the caller whose request created it (``ThinProxy/enqueue(_:to:jobs:meter:maxAttempts:statusPath:)``
/// records it on the job). Anyone else gets the same 404 as for a job that does not exist.
public struct JobStatusLookup<Output: Codable & Sendable>: Sendable {
    let queue: String
    let jobs: SQLiteJobStore

    /// - Parameter output: the worker's result type, decoded from the job and returned as JSON.
    public init(_ output: Output.Type = Output.self, queue: String, jobs: SQLiteJobStore) {
        self.queue = queue
        self.jobs = jobs
    }

    struct Body: Encodable {
        struct Failure: Encodable {
            var code: String
            var message: String
        }

        var jobID: Int64
        var worker: String
        var status: String
        var attempt: Int
        var maxAttempts: Int
        var createdAt: Date
        var finishedAt: Date?
        var result: Output?
        var error: Failure?

        enum CodingKeys: String, CodingKey {
            case worker, status, attempt, result, error
            case jobID = "job_id"
            case maxAttempts = "max_attempts"
            case createdAt = "created_at"
            case finishedAt = "finished_at"
        }
    }

    public func handle(_ request: Request, context: APIContext) async throws -> Response {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), let job = try await jobs.job(id: id), job.queue == queue,
            job.owner == context.identity.subject
        else {
            throw APIError.unknownJob(queue: queue, id: text)
        }
        let failure: Body.Failure? =
            switch job.status {
            case .stuck:
                .init(
                    code: APIError.Code.jobStuck.rawValue, message: "the worker gave up after \(job.attempt) attempts")
            case .cancelled: .init(code: APIError.Code.jobCancelled.rawValue, message: "the job was cancelled")
            default: nil
            }
        let result: Output?
        do {
            result = try job.decodeResult(as: Output.self)
        } catch {
            throw APIError.unreadableResult(job)
        }
        let body = Body(
            jobID: job.id, worker: queue, status: job.status.rawValue, attempt: job.attempt,
            maxAttempts: job.maxAttempts,
            createdAt: job.createdAt, finishedAt: job.finishedAt, result: result, error: failure)
        return try jsonResponse(body)
    }
}

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
