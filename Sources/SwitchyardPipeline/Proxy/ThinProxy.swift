import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardJobs
import SwitchyardModel
import SwitchyardStore

/// A thin proxy (a Cloudflare Pages `functions/api/*.js`): exactly four steps, in order —
///
/// 1. **extract** the request data: the body decoded as `Input` (a decoding error is a 400
///    naming the field);
/// 2. **forward** it to a worker: enqueue a durable job, or await an in-process
///    ``RequestWorker`` with a timeout;
/// 3. **log usage** to the database: the ledger row of this request gets the worker and job
///    (in the same transaction as the enqueue);
/// 4. **respond**: 202 with the job's id and status URL, or 200 with the worker's answer; on
///    error, an ``APIError`` with the worker and job.
///
/// A proxy is built by ``enqueue(_:to:jobs:meter:maxAttempts:statusPath:)`` or
/// ``call(_:timeout:meter:clock:)`` and offers no hook for code of its own: validation and
/// business logic cannot live in it.
public struct ThinProxy<Input: Codable & Sendable>: Sendable {
    public enum Step: String, Sendable, CaseIterable {
        case extract
        case forward
        case logUsage = "log_usage"
        case respond
    }

    /// The request data: the decoded input and the JSON it came as.
    struct Extracted: Sendable {
        var input: Input
        var json: String
    }

    /// An enqueue whose usage charge is made in its transaction.
    struct ChargedEnqueue: Sendable {
        var usage: UsageMeter.Usage
        var job: NewJob
        var step: @Sendable (Step) -> Void
    }

    enum Forwarded: Sendable {
        case enqueued(Job, statusURL: String)
        case answered(Response)
        /// The request's usage charge, made in the forwarding transaction, did not grant it:
        /// nothing was forwarded.
        case notCharged(UsageMeter.Outcome)
    }

    /// Steps 2 and 3: forwards the extracted request and logs its usage (calling `step` as
    /// each starts).
    typealias ForwardAndLogUsage =
        @Sendable (
            Extracted, APIContext, _ step: @escaping @Sendable (Step) -> Void
        ) async throws -> Forwarded

    /// The worker (queue) requests go to.
    public let worker: String
    /// Whether a usage charge left to the proxy is made before forwarding (an in-process
    /// call) rather than in the forwarding transaction (an enqueue).
    private let chargesBeforeForwarding: Bool
    private let forwardAndLogUsage: ForwardAndLogUsage
    /// Observes each step as it starts (tests; tracing).
    public var onStep: @Sendable (Step) -> Void = { _ in }

    /// A proxy that enqueues a durable job on `queue` and answers 202 with its id.
    /// - Parameter statusPath: where the job's status is read, e.g. `/api/summaries`
    ///   (the job id is appended).
    public static func enqueue(
        _ input: Input.Type = Input.self, to queue: String, jobs: SQLiteJobStore, meter: UsageMeter,
        maxAttempts: Int = 5,
        statusPath: String
    ) -> ThinProxy {
        // Charged enqueues (the common case: no idempotency key) from concurrent requests are
        // made together: one count per caller, one multi-row insert of jobs and one of ledger
        // rows per group commit.
        let batch = WriteBatch<ChargedEnqueue, (UsageMeter.Outcome, Job?)>(writer: meter.writer) { writes, db in
            var enqueued: [Job?] = Array(repeating: nil, count: writes.count)
            let outcomes = try meter.chargeAndForwardAll(writes.map(\.usage), in: db) { granted in
                let jobs = try jobs.enqueue(granted.map { writes[$0].job }, in: db)
                return zip(granted, jobs).map { index, result in
                    enqueued[index] = result.job
                    writes[index].step(.logUsage)
                    return UsageMeter.Forwarding(worker: queue, jobID: result.job.id)
                }
            }
            return Array(zip(outcomes, enqueued))
        }
        let statusURL: @Sendable (Job) -> String = { job in "\(statusPath)/\(job.id)" }
        return ThinProxy(worker: queue, chargesBeforeForwarding: false) { extracted, context, step in
            // The body decoded as the worker's payload type: it is the job's payload as sent.
            // The job is the caller's: its status route shows it to them alone.
            let job = NewJob(
                queue: queue, payloadJSON: extracted.json, maxAttempts: maxAttempts, owner: context.identity.subject)
            step(.forward)
            guard let charge = context.usage, charge.isPending else {
                // Counted before the handler (or free): the job, and the usage log on its
                // ledger row.
                let enqueued = try await meter.writer.write { db in
                    let enqueued = try jobs.enqueue(job, in: db).job
                    step(.logUsage)
                    if let ticket = context.usage?.ticket {
                        try meter.log(ticket, worker: queue, jobID: enqueued.id, in: db)
                    }
                    return enqueued
                }
                return .enqueued(enqueued, statusURL: statusURL(enqueued))
            }
            // Counted here: the count, the job and the ledger row naming it commit together.
            let (outcome, enqueued): (UsageMeter.Outcome, Job?)
            if charge.idempotencyKey == nil {
                (outcome, enqueued) = try await batch.write(ChargedEnqueue(usage: charge.usage, job: job, step: step))
            } else {
                // With an idempotency key, the answer is kept in the same transaction too.
                (outcome, enqueued) = try await meter.writer.write { db in
                    var enqueued: Job?
                    let outcome = try meter.chargeAndForward(
                        charge.usage, idempotencyKey: charge.idempotencyKey, requestHash: charge.requestHash, in: db
                    ) { db in
                        let job = try jobs.enqueue(job, in: db).job
                        enqueued = job
                        step(.logUsage)
                        let response = StoredResponse(
                            status: 202, contentType: acceptedContentType, location: statusURL(job),
                            body: acceptedBody(job, statusURL: statusURL(job), worker: queue))
                        return UsageMeter.Forwarding(worker: queue, jobID: job.id, response: response)
                    }
                    return (outcome, enqueued)
                }
            }
            guard let enqueued else { return .notCharged(outcome) }
            _ = try await charge.charged(outcome)  // granted: nil
            return .enqueued(enqueued, statusURL: statusURL(enqueued))
        }
    }

    /// A proxy that awaits `worker` in-process for at most `timeout` and answers 200 with its
    /// output (504 when it takes longer).
    public static func call<W: RequestWorker>(
        _ worker: W, timeout: Duration, meter: UsageMeter, clock: some Clock<Duration> = ContinuousClock()
    ) -> ThinProxy where W.Input == Input {
        ThinProxy(worker: worker.name, chargesBeforeForwarding: true) { extracted, context, step in
            step(.forward)
            let input = extracted.input
            let output: W.Output
            do {
                output = try await withTimeout(timeout, clock: clock) { try await worker.handle(input) }
            } catch is TimeoutError {
                throw APIError.workerTimeout(worker.name, timeout: timeout)
            }
            step(.logUsage)
            if let ticket = context.usage?.ticket {
                try await meter.writer.write { db in try meter.log(ticket, worker: worker.name, jobID: nil, in: db) }
            }
            return .answered(try jsonResponse(output))
        }
    }

    private init(worker: String, chargesBeforeForwarding: Bool, forwardAndLogUsage: @escaping ForwardAndLogUsage) {
        self.worker = worker
        self.chargesBeforeForwarding = chargesBeforeForwarding
        self.forwardAndLogUsage = forwardAndLogUsage
    }

    /// The route handler: the four steps.
    public func handle(_ request: Request, context: APIContext) async throws -> Response {
        // 1. Extract the request data.
        onStep(.extract)
        let extracted = try await extract(request, context: context)
        // A usage charge left to the proxy (``UsageLimitMiddleware/Charging/byProxy``) is made
        // before an in-process worker is awaited; an enqueue makes it in its transaction.
        if chargesBeforeForwarding, let replay = try await context.usage?.charge() { return replay }
        // 2. Forward it to the worker, 3. log usage.
        let forwarded = try await forward(extracted, context: context)
        // 4. Respond.
        onStep(.respond)
        return try await respond(forwarded, context: context)
    }

    /// Step 1: the body decoded as `Input`, and the JSON it came as.
    private func extract(_ request: Request, context: APIContext) async throws -> Extracted {
        let body = try await readJSONBody(Input.self, from: request, context: context)
        return Extracted(input: body.value, json: String(buffer: body.json))
    }

    /// Steps 2 and 3, their failures named for the worker.
    private func forward(_ extracted: Extracted, context: APIContext) async throws -> Forwarded {
        do {
            return try await forwardAndLogUsage(extracted, context, onStep)
        } catch var error as APIError {
            error.worker = error.worker ?? worker
            throw error
        } catch {
            context.logger.error(
                "forwarding failed", metadata: safeMetadata(of: error).merging(["worker": "\(worker)"]) { $1 })
            throw APIError.workerFailed(worker)
        }
    }

    /// Step 4: 202 with the job, 200 with the worker's answer — or, when the charge in the
    /// forwarding transaction did not grant the request, its refusal or replay.
    private func respond(_ forwarded: Forwarded, context: APIContext) async throws -> Response {
        switch forwarded {
        case .enqueued(let job, let statusURL):
            return Response(
                status: .accepted, headers: [.contentType: acceptedContentType, .location: statusURL],
                body: .init(byteBuffer: ByteBuffer(bytes: acceptedBody(job, statusURL: statusURL, worker: worker))))
        case .answered(let response):
            return response
        case .notCharged(let outcome):
            // A refusal throws its error (429, 409, 422); a replay answers with the stored response.
            guard let charge = context.usage, let answer = try await charge.charged(outcome) else {
                // Not a refusal or a replay (a grant never comes back uncharged): a bug, not a crash.
                throw APIError.internalError()
            }
            return answer
        }
    }
}

private let acceptedContentType = "application/json"

/// The 202 body of an enqueued job, written directly: it is on every enqueue's path, where
/// `JSONEncoder` (with its key conversion and sorting) cost a tenth of the request's CPU.
/// The same bytes as ``pipelineJSONEncoder()`` gives (snake_case, sorted keys, unescaped
/// slashes): `ThinProxyTests.theAcceptedBodyIsThePipelinesJSON` compares them.
private func acceptedBody(_ job: Job, statusURL: String, worker: String) -> [UInt8] {
    Array(
        (#"{"job_id":\#(job.id),"status":\#(jsonQuoted(job.status.rawValue)),"#
            + #""status_url":\#(jsonQuoted(statusURL)),"worker":\#(jsonQuoted(worker))}"#).utf8)
}

/// `text` as a JSON string literal.
func jsonQuoted(_ text: String) -> String {
    // Ids, statuses, paths and names need no escape: quoted as they are.
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
        return "\"" + text + "\""
    }
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\r": quoted += "\\r"
        case "\t": quoted += "\\t"
        case _ where scalar.value < 0x20: quoted += String(format: "\\u%04x", scalar.value)
        default: quoted.unicodeScalars.append(scalar)
        }
    }
    return quoted + "\""
}
