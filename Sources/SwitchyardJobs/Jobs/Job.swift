import Foundation

/// A durable job, as stored.
public struct Job: Sendable, Hashable, Identifiable {
    public var id: Int64
    /// The queue (kind) that says which worker runs it.
    public var queue: String
    /// The payload, as JSON text.
    public var payload: String
    public var status: JobStatus
    /// Attempts started so far (claims).
    public var attempt: Int
    public var maxAttempts: Int
    /// Not to be run before this time.
    public var runAfter: Date
    /// The worker holding the job while `processing`.
    public var leaseOwner: String?
    /// When the lease lapses unless a heartbeat extends it.
    public var leaseExpiresAt: Date?
    /// The last failure's message (kept when the job is `stuck`).
    public var lastError: String?
    /// The worker's result, as JSON text.
    public var result: String?
    /// At most one `pending` or `processing` job per queue has this key.
    public var uniqueKey: String?
    /// Who the job is for (such as the caller whose request enqueued it): status routes show a
    /// job to its owner only.
    public var owner: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    /// A job as a store returns it (tests build one to call a worker directly).
    public init(
        id: Int64, queue: String, payload: String, status: JobStatus, attempt: Int, maxAttempts: Int, runAfter: Date,
        leaseOwner: String? = nil, leaseExpiresAt: Date? = nil, lastError: String? = nil, result: String? = nil,
        uniqueKey: String? = nil, owner: String? = nil, createdAt: Date, updatedAt: Date, finishedAt: Date? = nil
    ) {
        self.id = id
        self.queue = queue
        self.payload = payload
        self.status = status
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.runAfter = runAfter
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
        self.result = result
        self.uniqueKey = uniqueKey
        self.owner = owner
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
    }

    /// Decodes the payload.
    public func decodePayload<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(payload.utf8))
    }

    /// Decodes the result, if any.
    public func decodeResult<T: Decodable>(as type: T.Type = T.self) throws -> T? {
        try result.map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}

/// A job to enqueue.
public struct NewJob: Sendable, Hashable {
    public var queue: String
    public var payload: String
    /// Default 5.
    public var maxAttempts: Int
    /// Default: now.
    public var runAfter: Date?
    public var uniqueKey: String?
    /// Who the job is for (see ``Job/owner``).
    public var owner: String?

    /// - Throws: an `EncodingError` if `payload` cannot be encoded.
    public init<Payload: Encodable>(
        queue: String, payload: Payload, maxAttempts: Int = 5, runAfter: Date? = nil, uniqueKey: String? = nil,
        owner: String? = nil
    ) throws {
        self.init(
            queue: queue, payloadJSON: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self),
            maxAttempts: maxAttempts, runAfter: runAfter, uniqueKey: uniqueKey, owner: owner)
    }

    /// A job whose payload is JSON text already (such as a request body that decoded as the
    /// worker's payload type).
    public init(
        queue: String, payloadJSON: String, maxAttempts: Int = 5, runAfter: Date? = nil, uniqueKey: String? = nil,
        owner: String? = nil
    ) {
        precondition(maxAttempts >= 1, "Switchyard: maxAttempts must be at least 1")
        self.queue = queue
        self.payload = payloadJSON
        self.maxAttempts = maxAttempts
        self.runAfter = runAfter
        self.uniqueKey = uniqueKey
        self.owner = owner
    }
}

/// What an enqueue did.
public struct EnqueueResult: Sendable, Hashable {
    public var job: Job
    /// `false` when a job with the same unique key was pending or processing: `job` is that one.
    public var inserted: Bool
}

/// How many jobs of a queue are in a status.
public struct JobCount: Sendable, Hashable {
    public var queue: String
    public var status: JobStatus
    public var count: Int

    public init(queue: String, status: JobStatus, count: Int) {
        self.queue = queue
        self.status = status
        self.count = count
    }
}
