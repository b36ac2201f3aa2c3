/// A typed PubSub topic, named `"{domain}:{event}"` as in Phoenix.PubSub.
///
/// A topic's identity is its name *and* its message type: `Topic<Tick>("market:tick")`
/// and `Topic<String>("market:tick")` are different channels. ``PubSub`` logs a warning
/// when one name is used with two message types, since that is almost always a mistake.
public struct Topic<Message: Sendable>: Sendable, Hashable, CustomStringConvertible {
    /// The full name, `"{domain}:{event}"`.
    public let name: String

    /// Creates a topic from its full name.
    ///
    /// - Precondition: `name` has the form `"{domain}:{event}"` with both parts non-empty;
    ///   a malformed name is a programming error, reported with the offending name.
    public init(_ name: String) {
        precondition(
            Self.isValid(name),
            "Switchyard: topic name \"\(name)\" is not of the form \"{domain}:{event}\" (e.g. \"market:tick\")"
        )
        self.name = name
    }

    /// Creates the topic `"{domain}:{event}"`.
    public init(domain: String, event: String) {
        self.init("\(domain):\(event)")
    }

    /// The domain part (before the first `:`).
    public var domain: Substring { name[..<name.firstIndex(of: ":")!] }

    /// The event part (after the first `:`).
    public var event: Substring { name[name.index(after: name.firstIndex(of: ":")!)...] }

    public var description: String { name }

    /// Whether `name` is a valid topic name: `domain:event`, both non-empty, no whitespace.
    public static func isValid(_ name: String) -> Bool {
        guard let colon = name.firstIndex(of: ":") else { return false }
        return colon != name.startIndex && name.index(after: colon) != name.endIndex
            && !name.contains(where: \.isWhitespace)
    }
}
