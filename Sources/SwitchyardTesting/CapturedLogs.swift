import Logging
import Synchronization

/// A swift-log backend that keeps every record in memory, for tests of what is logged — and of
/// what never is, such as a secret.
public final class CapturedLogs: Sendable {
    public struct Record: Sendable {
        public var level: Logger.Level
        public var message: String
        /// The logger's metadata merged with the record's own.
        public var metadata: Logger.Metadata

        /// The record on one line: level, message and metadata.
        public var line: String { "\(level) \(message) \(metadata)" }
    }

    private let stored = Mutex<[Record]>([])

    public init() {}

    public var records: [Record] { stored.withLock { $0 } }

    /// Every record on one line each (``Record/line``), to search all that was logged.
    public var lines: [String] { records.map(\.line) }

    /// The messages logged at exactly `level`, in order.
    public func messages(at level: Logger.Level) -> [String] {
        records.filter { $0.level == level }.map(\.message)
    }

    /// A logger writing here.
    public func logger(label: String = "test") -> Logger { Logger(label: label, factory: handler) }

    /// A handler writing here, for `Logger(label:factory:)`.
    public func handler(label: String) -> any LogHandler { Handler(logs: self) }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let record = Record(
                level: event.level, message: "\(event.message)",
                metadata: metadata.merging(event.metadata ?? [:]) { $1 })
            logs.stored.withLock { $0.append(record) }
        }
    }
}
