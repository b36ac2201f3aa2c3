/// One of the questions the builder may ask about a plan: data, so `switchyard plan lint
/// --explain ID` and SARIF's rule table are read from the same place. Ids are never reused or
/// renumbered; a retired rule keeps its number.
public struct PlanRule: Hashable, Sendable, Identifiable {
    /// `SY-PLAN-` and three digits.
    public var id: String
    /// A short kebab-case name (`llm-agent-without-fallback`).
    public var name: String
    public var kind: Escalation.Kind
    /// Whether an answer under `## Clarifications` can settle it.
    public var answerable: Bool
    /// One line: what is wrong.
    public var summary: String
    /// Why the builder asks rather than guesses.
    public var rationale: String
    /// What an answer is, for an answerable rule.
    public var answer: String?

    /// The rule with id `id`, if any.
    public static func named(_ id: String) -> PlanRule? {
        all.first { $0.id.lowercased() == id.lowercased() || $0.name == id.lowercased() }
    }
}

extension PlanRule {
    public static let documentForm = PlanRule(
        id: "SY-PLAN-001", name: "document-form", kind: .ambiguity, answerable: false,
        summary:
            "A line the plan format cannot read (an unclosed front matter or fence, a table row of the wrong width).",
        rationale: "What the reader cannot parse it would have to guess at; it reports the line instead.")
    public static let trackMissing = PlanRule(
        id: "SY-PLAN-002", name: "track-missing", kind: .ambiguity, answerable: true,
        summary: "The plan names no Track.",
        rationale: "The track decides which patterns and which file ownership apply; so the builder reads it first.",
        answer: "`Multi-Agent` or `Pipeline`")
    public static let trackUnknown = PlanRule(
        id: "SY-PLAN-003", name: "track-unknown", kind: .ambiguity, answerable: true,
        summary: "The plan's Track is neither Multi-Agent nor Pipeline.",
        rationale: "A near miss (`multi agent`, `pipe-line`) is offered, never assumed.",
        answer: "`Multi-Agent` or `Pipeline`")
    public static let fieldMissing = PlanRule(
        id: "SY-PLAN-004", name: "field-missing", kind: .ambiguity, answerable: true,
        summary: "A field the plan needs is missing (the front matter's feature, app or domain; a section's key).",
        rationale: "Names become branches, modules and topics; none is invented.",
        answer: "the field's value")
    public static let nameInvalid = PlanRule(
        id: "SY-PLAN-005", name: "name-invalid", kind: .ambiguity, answerable: false,
        summary:
            "A name is not in the format's form (snake_case names, an UpperCamelCase app, `{domain}:{event}` topics).",
        rationale: "Names become Swift identifiers, SQL names and topics; the corrected form is offered, not applied.")
    public static let sectionMissing = PlanRule(
        id: "SY-PLAN-006", name: "section-missing", kind: .ambiguity, answerable: false,
        summary: "A section the track needs is missing, or a section of the other track is present.",
        rationale: "A Multi-Agent plan needs State, Topics and Agents; a Pipeline plan Plans, Endpoints and Workers.")
    public static let columnMissing = PlanRule(
        id: "SY-PLAN-007", name: "column-missing", kind: .ambiguity, answerable: false,
        summary: "A table lacks a column the format requires.",
        rationale: "Columns are found by their header names; a missing one would be a guess in every row.")
    public static let valueInvalid = PlanRule(
        id: "SY-PLAN-008", name: "value-invalid", kind: .ambiguity, answerable: true,
        summary: "A value is not of its form (a duration, a kind, a mode, a number, yes or no).",
        rationale: "A near miss is offered as an option, never applied.",
        answer: "the value, in its form")
    public static let duplicateName = PlanRule(
        id: "SY-PLAN-009", name: "duplicate-name", kind: .ambiguity, answerable: false,
        summary: "Two items of one kind share a name.",
        rationale: "Which one a reference means would be a guess.")
    public static let topicUndefined = PlanRule(
        id: "SY-PLAN-010", name: "topic-undefined", kind: .ambiguity, answerable: true,
        summary: "A trigger, update or publisher names a topic the plan does not define.",
        rationale: "PubSub topics in code must match the plan; a topic nobody defined has no message type.",
        answer: "a topic the plan defines")
    public static let agentUndefined = PlanRule(
        id: "SY-PLAN-011", name: "agent-undefined", kind: .ambiguity, answerable: true,
        summary: "The coordinator expects an agent the plan does not define.",
        rationale: "The coordinator's collection would wait for an observation that never comes.",
        answer: "an agent the plan defines")
    public static let workerUndefined = PlanRule(
        id: "SY-PLAN-012", name: "worker-undefined", kind: .ambiguity, answerable: true,
        summary: "An endpoint names a worker the plan does not define.",
        rationale: "A thin proxy only forwards; without its worker there is nothing to forward to.",
        answer: "a worker the plan defines")
    public static let featureUndefined = PlanRule(
        id: "SY-PLAN-013", name: "feature-undefined", kind: .ambiguity, answerable: true,
        summary: "An endpoint's feature is in no plan.",
        rationale: "The API middleware grants features by plan; a feature in none would be refused to everyone.",
        answer: "a feature some plan lists")
    public static let typeUndefined = PlanRule(
        id: "SY-PLAN-014", name: "type-undefined", kind: .ambiguity, answerable: true,
        summary: "A type is neither one of the format's nor defined in the document.",
        rationale: "A type becomes a Swift declaration; an unknown name has no declaration to generate.",
        answer: "a type of the format or one the plan defines")
    public static let indexColumnUndefined = PlanRule(
        id: "SY-PLAN-015", name: "index-column-undefined", kind: .ambiguity, answerable: true,
        summary: "An index names a column its table does not have.",
        rationale: "Queries must be indexed; an index on a missing column fails its migration.",
        answer: "a column of the table")
    public static let fallbackMissing = PlanRule(
        id: "SY-PLAN-016", name: "llm-without-fallback", kind: .ambiguity, answerable: true,
        summary: "An LLM agent, or a coordinator that a model decides, has no fallback.",
        rationale:
            "Every LLM agent needs fallback logic, used whenever the model cannot answer; the builder never invents one.",
        answer: "the fallback, in one sentence")
    public static let agentWithTwoOutputs = PlanRule(
        id: "SY-PLAN-017", name: "agent-with-two-outputs", kind: .architecture, answerable: false,
        summary: "An agent has more than one output: more than one responsibility.",
        rationale: "Each agent has ONE responsibility (one trigger, one output); split it into two agents.")
    public static let windowMissing = PlanRule(
        id: "SY-PLAN-018", name: "coordinator-window-missing", kind: .architecture, answerable: true,
        summary: "The coordinator has no collection window.",
        rationale:
            "A coordinator deciding without a collection window acts on whatever arrived first: an anti-pattern.",
        answer: "a positive duration (800ms)")
    public static let windowNotPositive = PlanRule(
        id: "SY-PLAN-019", name: "coordinator-window-invalid", kind: .architecture, answerable: true,
        summary: "The coordinator's window is not a positive duration.",
        rationale: "A zero window collects nothing; the format's durations are `800ms`, `5s`, `2m`, `1h`, `7d`.",
        answer: "a positive duration (800ms)")
    public static let topicUnpublished = PlanRule(
        id: "SY-PLAN-020", name: "topic-unpublished", kind: .ambiguity, answerable: true,
        summary: "Nobody publishes a topic, and it is not `external`.",
        rationale: "A subscriber of a topic nobody publishes waits forever.",
        answer: "`external` if it comes from outside the backend")
    public static let topicUnsubscribed = PlanRule(
        id: "SY-PLAN-021", name: "topic-unsubscribed", kind: .ambiguity, answerable: true,
        summary: "Nobody subscribes to a topic.",
        rationale: "A message nobody reads is either dead code or a subscriber the plan forgot.",
        answer: "`ui` if the frontend reads it")
    public static let triggeredByOwnOutput = PlanRule(
        id: "SY-PLAN-022", name: "triggered-by-own-output", kind: .architecture, answerable: false,
        summary: "An agent is triggered by its own output, or an update publishes the topic it handles.",
        rationale: "Each message would cause the next: a loop, not a flow.")
    public static let coordinatorMissing = PlanRule(
        id: "SY-PLAN-023", name: "coordinator-missing", kind: .architecture, answerable: false,
        summary: "A Multi-Agent plan with agents has no Coordinator.",
        rationale: "Observations are synthesized into directives by one coordinator with a collection window.")
    public static let decisionDisagrees = PlanRule(
        id: "SY-PLAN-024", name: "decision-disagrees", kind: .decision, answerable: false,
        summary: "The plan and the decision document disagree.",
        rationale: "Which one is right is a decision for plan-decisions, not for the builder.")
    public static let decisionMissing = PlanRule(
        id: "SY-PLAN-025", name: "decision-missing", kind: .decision, answerable: true,
        summary: "The plan needs a technology decision the decision document does not make (a model, a store).",
        rationale: "Technology decisions are flagged for plan-decisions, never taken by the builder.",
        answer: "the decision's value")
    public static let decisionKeyUnknown = PlanRule(
        id: "SY-PLAN-026", name: "decision-key-unknown", kind: .decision, answerable: false,
        summary: "The decision document has a key the builder does not know.",
        rationale: "A misspelt key would be a decision silently not taken.")
    public static let decisionValueInvalid = PlanRule(
        id: "SY-PLAN-027", name: "decision-value-invalid", kind: .decision, answerable: true,
        summary:
            "A decision's value is not one the builder knows (store: sqlite | postgres; provider: anthropic | openai).",
        rationale: "A near miss is offered, never applied.",
        answer: "one of the listed values")
    public static let requestBodyMissing = PlanRule(
        id: "SY-PLAN-028", name: "request-body-missing", kind: .frontend, answerable: false,
        summary: "An enqueue or call endpoint has no request body table (`### METHOD /path`).",
        rationale: "The frontend must know what to send, and the proxy what to extract.")
    public static let responseShapeMissing = PlanRule(
        id: "SY-PLAN-029", name: "response-shape-missing", kind: .frontend, answerable: false,
        summary:
            "A response the frontend reads has no shape in the plan (a worker without a result, a topic without fields).",
        rationale: "The frontend is built in parallel from the same plan; it cannot read what the plan omits.")
    public static let endpointModeMismatch = PlanRule(
        id: "SY-PLAN-030", name: "endpoint-mode-mismatch", kind: .architecture, answerable: false,
        summary:
            "An endpoint's mode does not fit its worker or path (enqueue to an in-process worker, call to a durable one, status without `{id}`).",
        rationale: "Durable work is enqueued and polled; in-process work is called and answered within its timeout.")
    public static let logicInProxy = PlanRule(
        id: "SY-PLAN-031", name: "logic-in-proxy", kind: .architecture, answerable: false,
        summary:
            "Business logic is asked of a proxy or middleware (an endpoint with processing, or one that forwards to no worker).",
        rationale: "Proxies do four things only; middleware never holds business logic.")
    public static let clarificationUnused = PlanRule(
        id: "SY-PLAN-032", name: "clarification-unused", kind: .ambiguity, answerable: false,
        summary: "An answer under `## Clarifications` settles no open question, or names no rule.",
        rationale: "A stale answer would silently apply to a question asked later.")
    public static let endpointUndefined = PlanRule(
        id: "SY-PLAN-033", name: "endpoint-undefined", kind: .ambiguity, answerable: false,
        summary: "A request body (`### METHOD /path`) is given for an endpoint the Endpoints table does not list.",
        rationale: "Whose body it is would be a guess.")

    /// Every rule, by id.
    public static let all: [PlanRule] = [
        documentForm, trackMissing, trackUnknown, fieldMissing, nameInvalid, sectionMissing, columnMissing,
        valueInvalid, duplicateName, topicUndefined, agentUndefined, workerUndefined, featureUndefined,
        typeUndefined, indexColumnUndefined, fallbackMissing, agentWithTwoOutputs, windowMissing, windowNotPositive,
        topicUnpublished, topicUnsubscribed, triggeredByOwnOutput, coordinatorMissing, decisionDisagrees,
        decisionMissing, decisionKeyUnknown, decisionValueInvalid, requestBodyMissing, responseShapeMissing,
        endpointModeMismatch, logicInProxy, clarificationUnused, endpointUndefined,
    ]
}
