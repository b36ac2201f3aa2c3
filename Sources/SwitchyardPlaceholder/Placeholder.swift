import Logging
import Synchronization

/// Domain logic a plan states only in prose, not written yet: `switchyard build` generates a
/// call to ``unimplemented(_:_:default:)`` in each logic function it cannot write, so the app
/// builds and runs on safe defaults, and `switchyard check` lists every call with its plan line.
public enum Placeholder {
    private static let reported = Mutex<Set<String>>([])

    /// The logger placeholders report through (default: label `switchyard.placeholder`).
    public static let logger = Logger(label: "switchyard.placeholder")

    /// Returns `value`; the first call for `planLine` (in this process) logs a warning that the
    /// logic it names is a placeholder.
    /// - Parameters:
    ///   - planLine: where the plan states the logic (`docs/plans/greenhouse.md:41`).
    ///   - summary: the plan's words for it.
    ///   - logger: where the warning goes (default: ``logger``).
    public static func unimplemented<Value>(
        _ planLine: String, _ summary: String, default value: Value, logger: Logger = Placeholder.logger
    ) -> Value {
        let first = reported.withLock { $0.insert(planLine).inserted }
        if first {
            logger.warning(
                "placeholder logic: returns a default until it is written",
                metadata: ["plan": "\(planLine)", "logic": "\(summary)"])
        }
        return value
    }

    /// Whether ``unimplemented(_:_:default:)`` was called for `planLine` (for tests).
    public static func wasCalled(_ planLine: String) -> Bool {
        reported.withLock { $0.contains(planLine) }
    }
}
