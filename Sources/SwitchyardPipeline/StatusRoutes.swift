import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
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
            throw APIError(
                .notFound, code: "unknown_job", message: "no \(queue) job \(text) belongs to this account",
                hint: "use the job_id returned when the request was accepted", worker: queue, jobID: Int64(text))
        }
        let failure: Body.Failure? =
            switch job.status {
            case .stuck: .init(code: "job_stuck", message: "the worker gave up after \(job.attempt) attempts")
            case .cancelled: .init(code: "job_cancelled", message: "the job was cancelled")
            default: nil
            }
        let result: Output?
        do {
            result = try job.decodeResult(as: Output.self)
        } catch {
            throw APIError(
                .internalServerError, code: "unreadable_result", message: "the job's result could not be read",
                worker: queue,
                jobID: job.id, jobStatus: job.status.rawValue)
        }
        let body = Body(
            jobID: job.id, worker: queue, status: job.status.rawValue, attempt: job.attempt,
            maxAttempts: job.maxAttempts,
            createdAt: job.createdAt, finishedAt: job.finishedAt, result: result, error: failure)
        return try jsonResponse(body)
    }
}

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

extension Router {
    /// `GET /health`: 200 when the database answers, else 503. (`GET /metrics` is the app's,
    /// in its metrics backend's format.)
    public func addHealthRoute(database: SQLiteDatabase) {
        get("health") { _, _ -> Response in
            let healthy = (try? await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
            let body =
                healthy ? #"{"status":"ok","database":"ok"}"# : #"{"status":"degraded","database":"unavailable"}"#
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}
