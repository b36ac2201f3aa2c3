/// One thing `switchyard check` verifies in an app's code: an item of the builder's Completion
/// Checklist or Anti-Patterns, as data, so `--explain ID`, SARIF's rule table and the tests read
/// the same place. Ids are never reused or renumbered.
///
/// Each example is a Swift snippet checked on its own, as the one file of an app: a clean
/// example yields no finding of its rule, a violating one yields findings of its rule exactly on
/// the lines that end in `// ←`.
public struct CheckRule: Hashable, Sendable, Identifiable {
    public enum Severity: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Which apps a rule applies to: an app whose plans are all of one track skips the other
    /// track's rules; an app without plans gets every rule.
    public enum Track: String, Hashable, Sendable, CaseIterable {
        case both
        case multiAgent = "Multi-Agent"
        case pipeline = "Pipeline"
    }

    /// `SY-CHECK-` and three digits.
    public var id: String
    /// A short kebab-case name (`llm-agent-without-fallback`); `[check]` and `--explain` take it too.
    public var name: String
    /// One line: what is wrong.
    public var summary: String
    /// Why it matters: the completion checklist item or anti-pattern it enforces, and what to do.
    public var rationale: String
    /// The default severity; `[check]` in switchyard.toml may change it or turn the rule off.
    public var severity: Severity
    public var track: Track
    public var cleanExamples: [String]
    public var violatingExamples: [String]
    /// For rules that compare code with a plan: the plan topics the examples are checked against.
    public var examplePlanTopics: [String] = []

    /// The rule with id or name `key` (case-insensitively), if any.
    public static func named(_ key: String) -> CheckRule? {
        let key = key.lowercased()
        return all.first { $0.id.lowercased() == key || $0.name == key }
    }

    /// The line a violating example expects a finding on ends with this marker.
    public static let expectedMarker = "// ←"
}

extension CheckRule {
    /// Every rule, by id.
    public static let all: [CheckRule] = [
        oneResponsibility, llmFallback, blockingCall, unstructuredTask, coordinatorWindow, supervisorOrder,
        agentsCallAgents, stateOutsideStore, workerStatus, logicInMiddleware, errorContext, silentCatch,
        discardedTry, conflictMarkers, placeholder, topicsMatchPlan, suppressionWithoutReason, queryIndexed,
    ]

    /// Whether the rule runs on an app whose plans are of `tracks` (empty: no plan, every rule).
    func applies(to tracks: Set<Plan.Track>) -> Bool {
        switch track {
        case .both: true
        case .multiAgent: tracks.isEmpty || tracks.contains(.multiAgent)
        case .pipeline: tracks.isEmpty || tracks.contains(.pipeline)
        }
    }
}
