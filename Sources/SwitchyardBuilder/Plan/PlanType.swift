import SwitchyardConfiguration

/// A type as the plan format writes it: `Int`, `T?`, `[T]`, `[String: T]`, `Set<String>`, or a
/// name (one of the format's or one the document defines).
public indirect enum PlanType: Hashable, Sendable, CustomStringConvertible {
    case named(String)
    case optional(PlanType)
    case array(PlanType)
    /// `[String: T]`: keys are always strings.
    case dictionary(PlanType)
    /// `Set<String>`.
    case stringSet

    /// The format's own names; `State` is the whole state, as a snapshot.
    public static let builtinNames: Set<String> = [
        "Int", "UInt64", "Double", "Bool", "String", "Date", "Duration", "State",
    ]

    /// How deep lists and maps may nest (`[[String: [Int]]]` is 3): deeper is not of the form.
    public static let maxNesting = 4

    /// Reads `text`; `nil` when it is not of the form (or longer than 200 characters, or nested
    /// deeper than ``maxNesting``).
    public init?(parsing text: String) {
        let text = text.trimmingSpaces
        guard text.count <= 200, text.count(where: { $0 == "[" }) <= Self.maxNesting else { return nil }
        if text.hasSuffix("?") {
            guard let wrapped = PlanType(parsing: String(text.dropLast())) else { return nil }
            if case .optional = wrapped { return nil }
            self = .optional(wrapped)
        } else if text.hasPrefix("["), text.hasSuffix("]") {
            let inner = String(text.dropFirst().dropLast())
            if let colon = topLevelIndex(of: ":", in: inner) {
                guard inner[..<colon].trimmingSpaces == "String",
                    let value = PlanType(parsing: String(inner[inner.index(after: colon)...]))
                else { return nil }
                self = .dictionary(value)
            } else {
                guard let element = PlanType(parsing: inner) else { return nil }
                self = .array(element)
            }
        } else if text.replacingSpaces == "Set<String>" {
            self = .stringSet
        } else if isTypeName(text) {
            self = .named(text)
        } else {
            return nil
        }
    }

    /// Every name it uses (`[Plant]` uses `Plant`).
    public var names: [String] {
        switch self {
        case .named(let name): [name]
        case .optional(let type), .array(let type), .dictionary(let type): type.names
        case .stringSet: ["String"]
        }
    }

    public var description: String {
        switch self {
        case .named(let name): name
        case .optional(let type): "\(type)?"
        case .array(let type): "[\(type)]"
        case .dictionary(let type): "[String: \(type)]"
        case .stringSet: "Set<String>"
        }
    }
}

/// The format's durations: a whole number and a unit, `800ms`, `5s`, `2m`, `1h`, `7d`.
enum PlanDuration {
    static let units: [(suffix: String, seconds: Int64, attoseconds: Int64)] = [
        ("ms", 0, 1_000_000_000_000_000), ("s", 1, 0), ("m", 60, 0), ("h", 3600, 0), ("d", 86_400, 0),
    ]

    /// `nil` when `text` is not of the form; a zero or negative amount parses (the caller judges).
    static func parse(_ text: String) -> Duration? {
        let text = text.trimmingSpaces
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count).trimmingSpaces
            guard let amount = Int64(number) else { continue }
            if unit.suffix == "ms" { return .milliseconds(amount) }
            let (seconds, overflow) = amount.multipliedReportingOverflow(by: unit.seconds)
            return overflow ? nil : .seconds(seconds)
        }
        return nil
    }
}

/// `800ms`, `5s`: a duration as the format writes it.
func formatDuration(_ duration: Duration) -> String {
    let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
}

/// Splits `text` at commas outside brackets, parentheses and angle brackets.
func splitTopLevel(_ text: String, separator: Character = ",") -> [Substring] {
    var parts: [Substring] = []
    var depth = 0
    var start = text.startIndex
    for index in text.indices {
        switch text[index] {
        case "[", "(", "<": depth += 1
        case "]", ")", ">": depth -= 1
        case separator where depth == 0:
            parts.append(text[start..<index])
            start = text.index(after: index)
        default: break
        }
    }
    parts.append(text[start...])
    return parts
}

func topLevelIndex(of character: Character, in text: String) -> String.Index? {
    var depth = 0
    for index in text.indices {
        switch text[index] {
        case "[", "(", "<": depth += 1
        case "]", ")", ">": depth -= 1
        case character where depth == 0: return index
        default: break
        }
    }
    return nil
}

/// `UpperCamelCase` letters and digits.
func isTypeName(_ text: String) -> Bool {
    guard let first = text.first, first.isASCII, first.isUppercase else { return false }
    return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
}

/// `snake_case`: lowercase ASCII letters, digits and single underscores, starting with a letter.
func isSnakeCase(_ text: String) -> Bool {
    guard let first = text.first, first.isASCII, first.isLowercase, !text.hasSuffix("_"), !text.contains("__")
    else { return false }
    return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
}

/// A near `snake_case` form of `text` (`FrostGuard`, `frost-guard`, `frost guard` → `frost_guard`).
func snakeCased(_ text: String) -> String {
    var result = ""
    var previousWasLower = false
    for character in text.trimmingSpaces {
        if character == "-" || character == " " || character == "_" {
            if !result.hasSuffix("_") && !result.isEmpty { result.append("_") }
            previousWasLower = false
        } else if character.isUppercase {
            if previousWasLower && !result.hasSuffix("_") { result.append("_") }
            result += character.lowercased()
            previousWasLower = false
        } else {
            result.append(character)
            previousWasLower = character.isLetter || character.isNumber
        }
    }
    return result
}

/// `Plants` → `Plant`, `greenhouse_zones` → `GreenhouseZone`: a content table's row type.
func rowTypeName(forTitle title: String) -> String {
    let words = snakeCased(title).split(separator: "_")
    var name = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    if name.hasSuffix("ies") {
        name = String(name.dropLast(3)) + "y"
    } else if ["sses", "xes", "zes", "ches", "shes"].contains(where: name.hasSuffix) {
        name = String(name.dropLast(2))
    } else if name.hasSuffix("s") && !name.hasSuffix("ss") {
        name = String(name.dropLast())
    }
    return name
}

extension StringProtocol {
    var replacingSpaces: String { String(filter { $0 != " " && $0 != "\t" }) }
}

/// The candidates near `text`, nearest first: a "did you mean" list (at most three).
func nearest(_ text: String, among candidates: some Sequence<String>) -> [String] {
    let limit = Swift.max(2, text.count / 3)
    return
        candidates
        .map { ($0, editDistance(text.lowercased(), $0.lowercased())) }
        .filter { $0.1 <= limit && $0.0 != text }
        .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        .prefix(3)
        .map(\.0)
}
