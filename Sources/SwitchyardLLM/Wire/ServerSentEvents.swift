/// One server-sent event (the `text/event-stream` format).
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field; `nil` means the default type, `message`.
    public var event: String?
    /// The `data:` lines, joined with `\n`.
    public var data: String
    /// The `id:` field, if any.
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// A line-buffered parser of `text/event-stream`, fed with network chunks as they come.
///
/// Chunks may split anywhere — inside a line, inside a UTF-8 sequence, between `\r` and
/// `\n` — since only complete lines are decoded. Follows the WHATWG rules: lines end in
/// `\n`, `\r\n` or `\r`; a blank line dispatches the event; `:` starts a comment; one space
/// after the field's colon is dropped; `data:` lines are joined with `\n`.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var event: String?
    private var data: [String] = []
    private var hasData = false
    private var id: String?

    public init() {}

    /// Whether the bytes fed so far end in the middle of an event (no blank line yet).
    public var hasPartialEvent: Bool { !line.isEmpty || hasData || event != nil }

    /// Feeds a chunk; returns the events it completed, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if lastWasCR {
                    lastWasCR = false
                    continue
                }
                endLine(into: &events)
            case UInt8(ascii: "\r"):
                lastWasCR = true
                endLine(into: &events)
            default:
                lastWasCR = false
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if hasData || event != nil {
                events.append(ServerSentEvent(event: event, data: data.joined(separator: "\n"), id: id))
            }
            event = nil
            data.removeAll()
            hasData = false
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let field: String
        var value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: line[..<colon], as: UTF8.self)
            var start = line.index(after: colon)
            if start < line.endIndex, line[start] == UInt8(ascii: " ") { start = line.index(after: start) }
            value = String(decoding: line[start...], as: UTF8.self)
        } else {
            field = String(decoding: line, as: UTF8.self)
            value = ""
        }
        switch field {
        case "event": event = value
        case "data":
            data.append(value)
            hasData = true
        case "id": if !value.contains("\0") { id = value }
        default: value = ""  // `retry:` and unknown fields are ignored
        }
    }
}
