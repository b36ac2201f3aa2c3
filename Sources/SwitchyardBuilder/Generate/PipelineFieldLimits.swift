import Foundation

/// The `limits` cell of a request body's field, read into what the generated request type
/// checks: clauses separated by `,` or `;`, each one of
///
/// - `A…B characters` (also `chars`, `bytes` of UTF-8, `items`), `at most B …`, `at least A …`:
///   the length of a String or the count of a list, outside it a 400 naming the field;
/// - `A…B` on a number: its range, outside it a 400;
/// - `clamped to A…B` on a number: taken into the range;
/// - `default V`: the value when the field is absent;
/// - `N bytes`, with or without words naming the body limit (`the route's body limit, 262144
///   bytes`): the route's request body limit.
///
/// `…` may be written `...` or `..`. Anything else is a question, never ignored.
struct PipelineFieldLimits: Hashable, Sendable {
    /// A bound on a length or count: `unit` is `characters`, `bytes` or `items`.
    struct Length: Hashable, Sendable {
        var minimum: Int?
        var maximum: Int?
        var unit: String
    }

    /// Two ends of a number's range, as Swift literals of its type (`1`, `0.5`); `nil`: open.
    struct Bounds: Hashable, Sendable {
        var minimum: String?
        var maximum: String?
    }

    var length: Length?
    /// A number's allowed range.
    var range: Bounds?
    /// A number taken into this range (both ends given).
    var clamp: Bounds?
    /// The default, as a Swift expression of the field's (unwrapped) type.
    var defaultValue: String?
    /// The route's request body limit, in bytes.
    var bodyLimit: Int?

    /// The forms a limits cell may take, for questions.
    static let forms =
        "`1…100000 characters`, `at most 50 items`, `1…20` (a number's range), `clamped to 1…20`, `default 3`, "
        + "`262144 bytes` (the route's body limit)"

    /// Reads `text` for a field of `type`; the error is the question to ask.
    static func parse(_ text: String, type: PlanType) -> Result<PipelineFieldLimits, LimitsError> {
        var limits = PipelineFieldLimits()
        var namesBodyLimit = false
        let base = type.unwrapped
        for raw in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            var clause = raw.trimmingSpaces
            while clause.hasSuffix(".") && !clause.hasSuffix("..") { clause.removeLast() }
            let lower = clause.lowercased()
            if isNone(lower) { continue }
            let words = lower.split(separator: " ").map(String.init)
            // `N bytes`, maybe after words naming the body limit.
            if words.count >= 2, words.last == "bytes", let bytes = integer(words[words.count - 2]),
                words.count == 2 || lower.contains("body")
            {
                guard bytes > 0 else { return .failure(.init("the body limit must be at least 1 byte")) }
                guard limits.bodyLimit == nil || limits.bodyLimit == bytes else {
                    return .failure(.init("two body limits (\(limits.bodyLimit!) and \(bytes) bytes)"))
                }
                limits.bodyLimit = bytes
                continue
            }
            if lower.contains("body limit") && !lower.contains(where: \.isNumber) {
                namesBodyLimit = true
                continue
            }
            if let rest = strip(lower, prefixes: ["clamped to ", "clamp to ", "clamped "]) {
                guard base.isNumber else {
                    return .failure(.init("`\(clause)` clamps a number, but the field is \(type)"))
                }
                guard let bounds = bounds(rest, numberType: base), bounds.minimum != nil, bounds.maximum != nil else {
                    return .failure(.init("`\(clause)` is not `clamped to A…B`"))
                }
                limits.clamp = bounds
                continue
            }
            if let rest = strip(clause, prefixes: ["default: ", "default ", "defaults to ", "Default: ", "Default "]) {
                guard let value = PlanLiteral.swift(rest, as: base) else {
                    return .failure(.init("the default `\(rest)` is not a value of \(base)"))
                }
                limits.defaultValue = value
                continue
            }
            if let length = length(lower) {
                let fits =
                    switch length.unit {
                    case "characters", "bytes": base == .named("String")
                    default: base.isCollection
                    }
                guard fits else {
                    return .failure(.init("`\(clause)` bounds \(length.unit), which a field of \(type) does not have"))
                }
                limits.length = length
                continue
            }
            if base.isNumber, let bounds = numberBounds(lower, numberType: base) {
                limits.range = bounds
                continue
            }
            return .failure(.init("`\(clause)` is not a limit the builder can check"))
        }
        if namesBodyLimit && limits.bodyLimit == nil {
            return .failure(.init("it names the body limit without its size in bytes"))
        }
        return .success(limits)
    }

    struct LimitsError: Error, Hashable, Sendable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    private static func strip(_ text: String, prefixes: [String]) -> String? {
        for prefix in prefixes where text.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count)).trimmingSpaces
        }
        return nil
    }

    private static func integer(_ text: String) -> Int? {
        Int(text.filter { $0 != "_" })
    }

    /// `A…B characters`, `at most B items`, `at least A bytes`.
    private static func length(_ text: String) -> Length? {
        let units = [
            "characters": "characters", "character": "characters", "chars": "characters", "bytes": "bytes",
            "items": "items", "item": "items", "elements": "items", "entries": "items",
        ]
        let words = text.split(separator: " ").map(String.init)
        guard words.count >= 2, let unit = units[words.last!] else { return nil }
        let rest = words.dropLast().joined(separator: " ")
        if let value = strip(rest, prefixes: ["at most ", "up to ", "max ", "maximum "]).flatMap(integer) {
            return value >= 0 ? Length(minimum: nil, maximum: value, unit: unit) : nil
        }
        if let value = strip(rest, prefixes: ["at least ", "min ", "minimum "]).flatMap(integer) {
            return value >= 0 ? Length(minimum: value, maximum: nil, unit: unit) : nil
        }
        guard let bounds = bounds(rest, numberType: .named("Int")),
            let minimum = bounds.minimum.flatMap(integer), let maximum = bounds.maximum.flatMap(integer),
            minimum >= 0, minimum <= maximum
        else { return nil }
        return Length(minimum: minimum, maximum: maximum, unit: unit)
    }

    /// `A…B`, `at most B`, `at least A` for a number.
    private static func numberBounds(_ text: String, numberType: PlanType) -> Bounds? {
        if let value = strip(text, prefixes: ["at most ", "up to ", "max ", "maximum "]) {
            return PlanLiteral.swift(value, as: numberType).map { Bounds(minimum: nil, maximum: $0) }
        }
        if let value = strip(text, prefixes: ["at least ", "min ", "minimum "]) {
            return PlanLiteral.swift(value, as: numberType).map { Bounds(minimum: $0, maximum: nil) }
        }
        return bounds(text, numberType: numberType)
    }

    /// `A…B` (or `A...B`, `A..B`; an end may be left out) as numbers of `numberType`.
    private static func bounds(_ text: String, numberType: PlanType) -> Bounds? {
        var separator: Range<String.Index>?
        for candidate in ["…", "...", ".."] {
            if let found = text.range(of: candidate) {
                separator = found
                break
            }
        }
        guard let separator else { return nil }
        let low = text[..<separator.lowerBound].trimmingSpaces.filter { $0 != "_" }
        let high = text[separator.upperBound...].trimmingSpaces.filter { $0 != "_" }
        guard !low.isEmpty || !high.isEmpty else { return nil }
        let minimum = low.isEmpty ? nil : PlanLiteral.swift(low, as: numberType)
        let maximum = high.isEmpty ? nil : PlanLiteral.swift(high, as: numberType)
        guard low.isEmpty || minimum != nil, high.isEmpty || maximum != nil else { return nil }
        if let minimum, let maximum, let low = Double(minimum), let high = Double(maximum), low > high { return nil }
        return Bounds(minimum: minimum, maximum: maximum)
    }
}

extension PlanType {
    /// `T` for `T?`, else the type itself.
    var unwrapped: PlanType {
        if case .optional(let wrapped) = self { return wrapped }
        return self
    }

    var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }

    var isNumber: Bool { [.named("Int"), .named("UInt64"), .named("Double")].contains(self) }

    var isCollection: Bool {
        switch self {
        case .array, .dictionary, .stringSet: true
        default: false
        }
    }

    /// Whether the type holds a `Date` or a `Duration` anywhere.
    func contains(_ name: String) -> Bool { names.contains(name) }
}
