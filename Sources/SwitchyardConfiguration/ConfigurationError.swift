/// A bad `switchyard.toml` or setting: the file, the key, the line when known, and what is
/// wrong. Never the value of a secret.
///
/// Every reader of the file (the Pipeline's settings, `[llm]`, an app's own tables) throws
/// this one type, so a command line prints every configuration problem the same way.
public struct ConfigurationError: Error, Hashable, CustomStringConvertible {
    /// The file read. Default `switchyard.toml`; an environment variable's problems name the
    /// variable as `key` instead.
    public var file: String
    /// The key at fault, dotted (`server.port`), or the environment variable's name.
    public var key: String?
    /// The line of the file, when known.
    public var line: Int?
    public var message: String
    /// Where in Switchyard's code the error was made (`#fileID`), for bug reports; not part
    /// of equality.
    public var sourceFileID: String
    /// The line in ``sourceFileID``.
    public var sourceLine: Int

    public init(
        file: String = "switchyard.toml", key: String?, line: Int? = nil, message: String,
        sourceFileID: String = #fileID, sourceLine: Int = #line
    ) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
        self.sourceFileID = sourceFileID
        self.sourceLine = sourceLine
    }

    public var description: String {
        var place: [String] = []
        if let line { place.append("line \(line)") }
        if let key { place.append(key) }
        return place.isEmpty ? "\(file): \(message)" : "\(file) (\(place.joined(separator: ", "))): \(message)"
    }

    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool {
        lhs.file == rhs.file && lhs.key == rhs.key && lhs.line == rhs.line && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(key)
        hasher.combine(line)
        hasher.combine(message)
    }
}
