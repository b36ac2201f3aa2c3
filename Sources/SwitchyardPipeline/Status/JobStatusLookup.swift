import Foundation
import GRDB
import HTTPTypes
import Hummingbird
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
        return try context.responseEncoder.encode(body, from: request, context: context)
    }
}
