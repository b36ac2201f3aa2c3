/// A plan's written values (content cells, state initial values) as Swift expressions of their
/// type: `18` for a Double, `{dough: 1}` for `[String: Int]`, `2h` for a Duration. `nil` when the
/// text is not a value of the type; the checker asks about it before anything is generated.
enum PlanLiteral {
    static func swift(_ text: String, as type: PlanType) -> String? {
        let text = text.trimmingSpaces
        switch type {
        case .optional(let wrapped):
            return isNone(text) || text == "nil" ? "nil" : swift(text, as: wrapped)
        case .array(let element):
            guard let items = items(text, open: "[", close: "]") else { return nil }
            let rendered = items.map { swift(String($0), as: element) }
            guard !rendered.contains(nil) else { return nil }
            return "[" + rendered.map { $0! }.joined(separator: ", ") + "]"
        case .stringSet:
            guard let items = items(text, open: "[", close: "]") ?? items(text, open: "{", close: "}") else {
                return nil
            }
            return "[" + items.map { stringLiteral(unquoted(String($0))) }.joined(separator: ", ") + "]"
        case .dictionary(let value):
            guard let items = items(text, open: "{", close: "}") else { return nil }
            if items.isEmpty { return "[:]" }
            var pairs: [String] = []
            for item in items {
                guard let colon = topLevelIndex(of: ":", in: String(item)) else { return nil }
                let key = unquoted(item[..<colon].trimmingSpaces)
                guard !key.isEmpty, let rendered = swift(String(item[item.index(after: colon)...]), as: value) else {
                    return nil
                }
                pairs.append("\(stringLiteral(key)): \(rendered)")
            }
            return "[" + pairs.joined(separator: ", ") + "]"
        case .named(let name):
            switch name {
            case "Int": return Int(text) != nil ? text : nil
            case "UInt64": return UInt64(text) != nil ? text : nil
            case "Double":
                guard let value = Double(text), value.isFinite else { return nil }
                return text.contains(".") || text.contains("e") ? text : "\(text).0"
            case "Bool":
                switch text.lowercased() {
                case "true", "yes": return "true"
                case "false", "no": return "false"
                default: return nil
                }
            case "String": return stringLiteral(unquoted(text))
            case "Duration":
                guard let duration = PlanDuration.parse(text) else { return nil }
                return durationLiteral(duration)
            default: return nil
            }
        }
    }

    /// `.seconds(5)`, `.milliseconds(800)`.
    static func durationLiteral(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? ".seconds(\(milliseconds / 1000))" : ".milliseconds(\(milliseconds))"
    }

    /// `[a, b]` → `a`, `b` (brackets optional for a list; `[]` is empty).
    private static func items(_ text: String, open: Character, close: Character) -> [Substring]? {
        var inner = Substring(text)
        if inner.first == open {
            guard inner.last == close else { return nil }
            inner = inner.dropFirst().dropLast()
        } else if open == "{" {
            return nil
        }
        if inner.trimmingSpaces.isEmpty || isNone(inner.trimmingSpaces) { return [] }
        return splitTopLevel(String(inner)).map { Substring($0.trimmingSpaces) }
    }

    private static func unquoted(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// A Swift string literal for `text`.
    static func stringLiteral(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
