// The jobs module's errors, in one place. (Storage failures are SwitchyardStore's
// `StoreError` and GRDB's `DatabaseError`; payload encoding throws Foundation's
// `EncodingError`.)

/// A job the pool cannot run, with a stable kind; its description is what the job's
/// ``Job/lastError`` records.
public struct JobError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The payload is not the worker's `Payload` type: the job is stuck at once (it never
        /// will decode, so it is not retried).
        case payloadNotDecodable = "payload_not_decodable"

        public var description: String { rawValue }
    }

    public var kind: Kind
    /// What went wrong underneath, such as the `DecodingError`'s description.
    public var detail: String
    /// Where in the code the error was made (`#fileID`); not part of equality.
    public var file: String
    /// The line in ``file``; not part of equality.
    public var line: Int

    public init(_ kind: Kind, detail: String, file: String = #fileID, line: Int = #line) {
        self.kind = kind
        self.detail = detail
        self.file = file
        self.line = line
    }

    public var description: String {
        switch kind {
        case .payloadNotDecodable: "payload does not decode: \(detail)"
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.kind == rhs.kind && lhs.detail == rhs.detail }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(detail)
    }
}
