// The errors of SwitchyardAgents, in one place.
//
// Each error type has a closed kind (where it has more than one), states what went wrong in
// a sentence, and records where it was thrown (`file`, `line`) for logs; the source
// location is not part of an error's identity, so it takes no part in `==` or hashing.

/// Why a ``Supervisor`` refused to start or gave up.
public struct SupervisorError: Error, CustomStringConvertible {
    /// The kind of error; the raw value is stable for logs and metrics.
    public enum Code: String, Hashable, Sendable, CustomStringConvertible {
        /// A child is listed after a child of a later stage.
        case outOfOrder = "out_of_order"
        /// Two children share a name.
        case duplicateName = "duplicate_name"
        /// A child could not be created at start.
        case startFailed = "start_failed"
        /// Children exited more often than the restart intensity allows.
        case restartIntensityExceeded = "restart_intensity_exceeded"

        public var description: String { rawValue }
    }

    public let code: Code
    /// The child the error is about.
    public let child: String?
    /// What went wrong, in a sentence that names the child.
    public let message: String
    /// The child's own error, if any.
    public let underlying: (any Error)?
    /// Where the error was thrown.
    public let file: String
    public let line: Int

    init(
        code: Code, child: String?, message: String, underlying: (any Error)? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.child = child
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "SupervisorError(\(code)): \(message)"
        if let underlying { text += " (underlying: \(underlying))" }
        return text
    }
}

/// Thrown by ``StateStore/run()`` when the store is already running: a store has one run
/// loop at a time.
public struct StateStoreAlreadyRunning: Error, CustomStringConvertible {
    /// Where the error was thrown.
    public let file: String
    public let line: Int

    init(file: String = #fileID, line: Int = #line) {
        self.file = file
        self.line = line
    }

    public var description: String { "the state store is already running; a store runs one loop at a time" }
}

/// Thrown by the default ``CoordinatorLogic/parse(_:for:)``: a prompt without a parser.
public struct NoDecisionParser: Error, CustomStringConvertible {
    /// Where the error was thrown.
    public let file: String
    public let line: Int

    init(file: String = #fileID, line: Int = #line) {
        self.file = file
        self.line = line
    }

    public var description: String { "the coordinator logic sends a prompt but does not implement parse(_:for:)" }
}

/// Why an LLM agent or a coordinator used its fallback.
///
/// Two reasons are equal when their ``kind`` and ``detail`` are; where they were made does
/// not count.
public struct FallbackReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, stable for metrics and tests.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// No model is configured.
        case noModel = "no_model"
        /// The model did not answer within the timeout.
        case timeout
        /// The model call threw.
        case modelError = "model_error"
        /// The reply could not be parsed.
        case unparsableReply = "unparsable_reply"
        /// Too many calls were in flight; the trigger was answered at once.
        case busy
    }

    public let kind: Kind
    /// A short, secret-free explanation (never the prompt or a key).
    public let detail: String
    /// Where the reason was made.
    public let file: String
    public let line: Int

    public init(_ kind: Kind, detail: String = "", file: String = #fileID, line: Int = #line) {
        self.kind = kind
        self.detail = detail
        self.file = file
        self.line = line
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.kind == rhs.kind && lhs.detail == rhs.detail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(detail)
    }

    public var description: String { detail.isEmpty ? kind.rawValue : "\(kind.rawValue): \(detail)" }
}
