import Foundation

/// Identifies one trigger (a tick, an event) so observations and directives can be filed
/// under it.
public struct TriggerID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral
{
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init<N: BinaryInteger>(_ number: N) { self.rawValue = String(number) }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(integerLiteral value: Int) { self.rawValue = String(value) }

    public var description: String { rawValue }
}

/// A message that triggers agents: it names the trigger it is.
public protocol TriggerMessage: Sendable {
    var triggerID: TriggerID { get }
}

/// Where an observation's value came from.
public enum ObservationSource: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Computed by a pure-logic agent.
    case logic
    /// Parsed from a model's reply.
    case model
    /// An LLM agent's rule-based fallback.
    case fallback

    public var description: String { rawValue }
}

/// What one agent observed about one trigger, published on `"{domain}:agent_observation"`.
public struct Observation<Value: Sendable>: Sendable {
    /// The agent's name.
    public var agent: String
    /// The trigger observed.
    public var triggerID: TriggerID
    /// When the observation was made (wall-clock time, for records and logs).
    public var time: Date
    /// Whether it came from logic, a model or a fallback.
    public var source: ObservationSource
    /// Why the fallback was used, when ``source`` is ``ObservationSource/fallback``.
    public var fallbackReason: FallbackReason?
    /// The observation itself.
    public var value: Value

    public init(
        agent: String,
        triggerID: TriggerID,
        time: Date = Date(),
        source: ObservationSource,
        fallbackReason: FallbackReason? = nil,
        value: Value
    ) {
        self.agent = agent
        self.triggerID = triggerID
        self.time = time
        self.source = source
        self.fallbackReason = fallbackReason
        self.value = value
    }
}

extension Observation: Equatable where Value: Equatable {}

extension Topic {
    /// `"{domain}:agent_observation"`, where agents publish.
    public static func agentObservations<Value>(domain: String) -> Topic<Observation<Value>>
    where Message == Observation<Value> {
        Topic(domain: domain, event: "agent_observation")
    }
}
