/// A question the builder asks instead of guessing: which rule raised it, to whom it goes, where
/// in which document, what would settle it. `switchyard build` writes nothing while one is open
/// (exit status 3); `switchyard plan lint` lists them all.
public struct Escalation: Hashable, Sendable, Comparable {
    /// Who a question goes to: the builder's four addressees.
    public enum Kind: String, Hashable, Sendable, CaseIterable, Codable {
        /// "Ambiguity in the plan → Ask user, don't guess."
        case ambiguity
        /// "Architectural concerns → Flag for plan-architecture review."
        case architecture
        /// "Technology decision needed → Flag for plan-decisions."
        case decision
        /// "Frontend integration questions → Coordinate with build-frontend."
        case frontend

        /// Who settles it.
        public var addressee: String {
            switch self {
            case .ambiguity: "the plan's author"
            case .architecture: "plan-architecture review"
            case .decision: "plan-decisions"
            case .frontend: "build-frontend"
            }
        }
    }

    /// The rule that raised it (``PlanRule/id``, `SY-PLAN-013`).
    public var rule: String
    public var kind: Kind
    /// What the question is about, unique within the rule and stable across edits that do not
    /// touch it (`agent irrigation_planner`, `track`): with ``rule`` it names the question, and
    /// an answer under `## Clarifications` names it the same way.
    public var subject: String
    public var position: SourcePosition
    public var question: String
    /// Named choices ("did you mean …" among them); never applied without an answer.
    public var options: [String]
    /// Whether an answer under `## Clarifications` can settle it (else only an edit can).
    public var answerable: Bool

    public init(
        rule: PlanRule, subject: String, at position: SourcePosition, _ question: String, options: [String] = []
    ) {
        self.rule = rule.id
        self.kind = rule.kind
        self.subject = subject
        self.position = position
        self.question = question
        self.options = options
        self.answerable = rule.answerable
    }

    /// The question's identity: its rule and subject, never its line.
    public var id: String { "\(rule) \(subject)" }

    /// How to settle it, for people.
    public var settle: String {
        var text = "edit \(position.document)"
        if answerable {
            text += ", or answer under `## Clarifications`: | \(rule) | \(subject) | <answer> |"
        }
        return text
    }

    public static func < (lhs: Escalation, rhs: Escalation) -> Bool {
        (lhs.position, lhs.rule, lhs.subject) < (rhs.position, rhs.rule, rhs.subject)
    }
}
