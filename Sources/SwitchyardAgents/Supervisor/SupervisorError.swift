/// Why a ``Supervisor`` refused to start or gave up.
public struct SupervisorError: Error, CustomStringConvertible {
    /// A stable code for the kind of error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        /// A child is listed after a child of a later stage.
        public static let outOfOrder = Code(rawValue: "out_of_order")
        /// Two children share a name.
        public static let duplicateName = Code(rawValue: "duplicate_name")
        /// A child could not be created at start.
        public static let startFailed = Code(rawValue: "start_failed")
        /// Children exited more often than the restart intensity allows.
        public static let restartIntensityExceeded = Code(rawValue: "restart_intensity_exceeded")
        public var description: String { rawValue }
    }

    public var code: Code
    /// The child the error is about.
    public var child: String?
    /// What went wrong, in a sentence that names the child.
    public var message: String
    /// The child's own error, if any.
    public var underlying: (any Error)?

    public var description: String {
        var text = "SupervisorError(\(code)): \(message)"
        if let underlying { text += " (underlying: \(underlying))" }
        return text
    }
}
