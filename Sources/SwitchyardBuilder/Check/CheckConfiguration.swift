import SwitchyardConfiguration

/// The `[check]` table of switchyard.toml: a severity, or `off`, per rule, by id or name.
///
/// ```toml
/// [check]
/// "SY-CHECK-013" = "error"   # discarded try? fails the check
/// unstructured-task = "off"
/// ```
///
/// An unknown rule, an unknown value, or the same rule set twice (by id and by name) is an
/// error naming the key and its line, never ignored.
public struct CheckConfiguration: Hashable, Sendable {
    /// A rule's configured severity; `nil` turns it off. Rules absent keep their default.
    public var severities: [String: CheckRule.Severity?] = [:]

    public init(severities: [String: CheckRule.Severity?] = [:]) {
        self.severities = severities
    }

    /// The severity `rule` runs at, or `nil` when it is off.
    public func severity(of rule: CheckRule) -> CheckRule.Severity? {
        if let configured = severities[rule.id] { return configured }
        return rule.severity
    }

    public static let values = CheckRule.Severity.allCases.map(\.rawValue) + ["off"]

    /// Reads `[check]` from switchyard.toml's text (no table: every rule at its default).
    public init(toml text: String, path: String = "switchyard.toml") throws(ConfigurationError) {
        let file = try ConfigurationFile(text: text, path: path)
        guard let table = try file.root.table("check") else { return }
        var setBy: [String: String] = [:]
        for key in table.keys {
            guard let rule = CheckRule.named(key) else {
                let names = CheckRule.all.map(\.id) + CheckRule.all.map(\.name)
                let guess = closestName(to: key, in: names).map { " — did you mean \($0)?" } ?? ""
                throw table.error(
                    key,
                    "no rule named \(key); the rules are SY-CHECK-001 to \(CheckRule.all.last!.id), by id or name (`switchyard check --explain ID`)\(guess)"
                )
            }
            let value: String?
            do {
                value = try table.string(key)
            } catch {
                throw table.error(key, "must be one of \(Self.values.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            guard let value, Self.values.contains(value.lowercased()) else {
                throw table.error(
                    key,
                    "must be one of \(Self.values.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(value ?? "")\"")
            }
            if let earlier = setBy[rule.id] {
                throw table.error(key, "\(rule.id) is already set by \(earlier); set it once")
            }
            setBy[rule.id] = key
            severities[rule.id] = .some(CheckRule.Severity(rawValue: value.lowercased()))
        }
    }
}
