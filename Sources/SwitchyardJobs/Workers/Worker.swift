/// The code that runs one queue's jobs.
///
/// `process` either returns the result (the job completes) or throws (it is retried with
/// backoff, then marked `stuck` with the error kept). It is never fire-and-forget: the pool
/// records the outcome of every call.
public protocol Worker: Sendable {
    associatedtype Payload: Decodable & Sendable
    associatedtype Output: Encodable & Sendable

    /// The queue this worker serves.
    var queue: String { get }

    func process(_ payload: Payload, job: Job) async throws -> Output
}
