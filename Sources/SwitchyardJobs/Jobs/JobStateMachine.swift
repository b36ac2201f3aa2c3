import Foundation

/// Where a job is in its life: pending, processing, then completed, stuck or cancelled.
///
/// `pending → processing → completed`; a thrown error sends `processing → pending` with a
/// backoff until attempts run out, then `stuck` (the error kept); `cancelled` on request.
public enum JobStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case pending
    case processing
    case completed
    case stuck
    case cancelled

    public var description: String { rawValue }

    /// Whether the job is finished for good.
    public var isFinal: Bool { self == .completed || self == .stuck || self == .cancelled }
}

/// The rules of a job's transitions, with no database: every store applies them.
public enum JobStateMachine {
    /// The transitions a job may make.
    public static let allowed: Set<Transition> = [
        Transition(.pending, .processing),  // claimed
        Transition(.processing, .completed),  // done
        Transition(.processing, .pending),  // failed with attempts left, lease expired, or released
        Transition(.processing, .stuck),  // failed on its last attempt, or lease expired on it
        Transition(.pending, .cancelled),
        Transition(.processing, .cancelled),
    ]

    public struct Transition: Hashable, Sendable, CustomStringConvertible {
        public var from: JobStatus
        public var to: JobStatus
        public init(_ from: JobStatus, _ to: JobStatus) {
            self.from = from
            self.to = to
        }
        public var description: String { "\(from) → \(to)" }
    }

    public static func isAllowed(from: JobStatus, to: JobStatus) -> Bool { allowed.contains(Transition(from, to)) }

    /// What a failure (thrown error or expired lease) on attempt `attempt` of `maxAttempts`
    /// leads to.
    public enum FailureOutcome: Hashable, Sendable {
        /// Back to `pending`, due at this time.
        case retry(at: Date)
        /// Attempts exhausted: `stuck`.
        case stuck
    }

    public static func afterFailure(attempt: Int, maxAttempts: Int, now: Date, backoff: Backoff, random: Double)
        -> FailureOutcome
    {
        guard attempt < maxAttempts else { return .stuck }
        return .retry(at: now.addingTimeInterval(backoff.delay(afterAttempt: attempt, random: random)))
    }
}

/// Exponential backoff with jitter between attempts: `base × 2^(attempt-1)`, at most `max`,
/// then ± `jitter` of it at random.
public struct Backoff: Sendable, Hashable {
    /// The first retry's delay. Default 1 s.
    public var base: TimeInterval
    /// The longest delay. Default 1 h.
    public var max: TimeInterval
    /// The fraction added or removed at random. Default 0.1.
    public var jitter: Double

    public init(base: TimeInterval = 1, max: TimeInterval = 3600, jitter: Double = 0.1) {
        precondition(base > 0 && max >= base, "Switchyard: backoff needs 0 < base <= max")
        precondition((0...1).contains(jitter), "Switchyard: backoff jitter must be within 0...1")
        self.base = base
        self.max = max
        self.jitter = jitter
    }

    /// The delay after failed attempt `attempt` (1 for the first); `random` in `0..<1`.
    public func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval {
        let exponential = Swift.min(max, base * pow(2, Double(Swift.max(0, attempt - 1))))
        return exponential * (1 + jitter * (2 * random - 1))
    }
}
