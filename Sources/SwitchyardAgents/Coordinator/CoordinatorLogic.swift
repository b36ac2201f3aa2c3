import Foundation
import SwitchyardModel

/// The observations collected for one trigger when its window closes.
public struct CollectedWindow<Trigger: TriggerMessage, Value: Sendable>: Sendable {
    /// The trigger the window was opened for.
    public var triggerID: TriggerID
    /// The trigger itself. A window is decided only once its trigger has arrived, so in
    /// ``CoordinatorLogic``'s methods it is never `nil`; it is `nil` only while a window opened
    /// by an early observation waits for its trigger.
    public var trigger: Trigger?
    /// The first observation from each agent, keyed by agent name.
    public var observations: [String: Observation<Value>]
    /// The agents the coordinator waits for.
    public var expectedAgents: Set<String>

    public init(
        triggerID: TriggerID, trigger: Trigger?, observations: [String: Observation<Value>], expectedAgents: Set<String>
    ) {
        self.triggerID = triggerID
        self.trigger = trigger
        self.observations = observations
        self.expectedAgents = expectedAgents
    }

    /// The agents heard from, sorted.
    public var heardFrom: [String] { observations.keys.sorted() }
    /// Where each heard observation came from (logic, model or fallback), by agent.
    public var sources: [String: ObservationSource] { observations.mapValues(\.source) }
    /// The expected agents not heard from, sorted.
    public var missing: [String] { expectedAgents.subtracting(observations.keys).sorted() }
    /// Whether every expected agent reported.
    public var isComplete: Bool { !expectedAgents.isEmpty && expectedAgents.isSubset(of: observations.keys) }
}

/// A coordinator's decision-making: a model synthesis when one is configured, and
/// `fallbackDecision(for:)` — rules only, REQUIRED — when the model is missing or fails.
public protocol CoordinatorLogic: Sendable {
    associatedtype Trigger: TriggerMessage
    associatedtype Value: Sendable
    associatedtype Decision: Sendable

    /// The agents whose observations the coordinator waits for. The window closes early
    /// once all of them have reported.
    var expectedAgents: Set<String> { get }

    /// The request asking a model to synthesize a decision, or `nil` to decide by rules.
    /// Default: `nil`.
    func prompt(for window: CollectedWindow<Trigger, Value>) -> ModelRequest?

    /// Turns the model's reply into a decision; throw if it is unusable.
    func parse(_ reply: ModelReply, for window: CollectedWindow<Trigger, Value>) throws -> Decision

    /// The rule-based decision, used whenever the model cannot be: REQUIRED.
    func fallbackDecision(for window: CollectedWindow<Trigger, Value>) -> Decision
}

extension CoordinatorLogic {
    public func prompt(for window: CollectedWindow<Trigger, Value>) -> ModelRequest? { nil }

    public func parse(_ reply: ModelReply, for window: CollectedWindow<Trigger, Value>) throws -> Decision {
        throw NoDecisionParser()
    }
}

/// Where a directive's decision came from.
public enum DirectiveSource: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case model
    case fallback
    public var description: String { rawValue }
}

/// Why a collection window closed.
public enum WindowCloseReason: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every expected agent reported before the deadline.
    case allReported = "all_reported"
    /// The deadline passed.
    case deadline
    /// Too many windows were open; the oldest was closed to make room.
    case evicted
    /// The coordinator was shutting down.
    case shutdown
    public var description: String { rawValue }
}

/// The coordinator's decision for one trigger, published on `"{domain}:coordinator_directive"`.
public struct Directive<Decision: Sendable>: Sendable {
    public var triggerID: TriggerID
    public var decision: Decision
    /// The agents whose observations the decision was made from, sorted.
    public var heardFrom: [String]
    /// Where each of those observations came from (logic, model or fallback), by agent.
    public var observationSources: [String: ObservationSource]
    /// The expected agents that had not reported when the window closed, sorted.
    public var missing: [String]
    /// Whether the model or the rule-based fallback decided.
    public var source: DirectiveSource
    /// Why the fallback decided, when it did.
    public var fallbackReason: FallbackReason?
    /// Why the window closed.
    public var closeReason: WindowCloseReason
    /// When the decision was made (wall-clock).
    public var time: Date

    public init(
        triggerID: TriggerID, decision: Decision, heardFrom: [String],
        observationSources: [String: ObservationSource] = [:],
        missing: [String], source: DirectiveSource, fallbackReason: FallbackReason?, closeReason: WindowCloseReason,
        time: Date = Date()
    ) {
        self.triggerID = triggerID
        self.decision = decision
        self.heardFrom = heardFrom
        self.observationSources = observationSources
        self.missing = missing
        self.source = source
        self.fallbackReason = fallbackReason
        self.closeReason = closeReason
        self.time = time
    }
}

extension Topic {
    /// `"{domain}:coordinator_directive"`, where the coordinator publishes.
    public static func coordinatorDirectives<Decision>(domain: String) -> Topic<Directive<Decision>>
    where Message == Directive<Decision> {
        Topic(domain: domain, event: "coordinator_directive")
    }
}
