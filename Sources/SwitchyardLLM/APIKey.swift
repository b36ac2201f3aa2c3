/// An API key: its description, debug description and dump are redacted, so it cannot
/// leak into logs or errors by accident.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key itself, for the one header that needs it.
    public let secret: String

    public init(_ secret: String) { self.secret = secret }

    public var description: String { "APIKey(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["secret": "<redacted>"]) }
}
