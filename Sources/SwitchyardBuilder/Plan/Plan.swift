/// A feature's plan, read from `docs/plans/{feature}.md` and `docs/decisions/{feature}.md`:
/// what `switchyard build` generates from. Every item keeps the position it was read at, so
/// generated code and placeholders can name the plan line they came from.
public struct Plan: Hashable, Sendable {
    public enum Track: String, Hashable, Sendable, CaseIterable {
        case multiAgent = "Multi-Agent"
        case pipeline = "Pipeline"
    }

    public var feature: String
    public var track: Track
    /// The app's Swift module (`Greenhouse`).
    public var app: String
    /// The topic prefix (Multi-Agent), else the feature.
    public var domain: String
    public var multiAgent: MultiAgentPlan?
    public var pipeline: PipelinePlan?
    public var decisions: Decisions
    /// Names declared in the plan even where their row was not usable (`agent` → names), so a
    /// reference to one is not reported as undefined on top of the row's own question.
    var declared: [String: Set<String>] = [:]
}

/// Something read from a document, with where it was read.
public struct Located<Value: Hashable & Sendable>: Hashable, Sendable {
    public var value: Value
    public var position: SourcePosition

    public init(_ value: Value, at position: SourcePosition) {
        self.value = value
        self.position = position
    }
}

/// A prose cell: domain logic the plan states in words (a responsibility, a fallback, what an
/// update does), which becomes a logic function — written by a model, or a placeholder.
public typealias Prose = Located<String>

/// `name: Type`, as in a message's fields, a worker's payload or a content table's header.
public struct FieldDeclaration: Hashable, Sendable {
    public var name: String
    public var type: PlanType
    public var position: SourcePosition
}

// MARK: - Multi-Agent

public struct MultiAgentPlan: Hashable, Sendable {
    public var content: [ContentTable]
    public var state: [StateField]
    public var updates: [StateUpdate]
    public var topics: [Topic]
    public var ticker: TickerPlan?
    public var agents: [AgentPlan]
    public var coordinator: CoordinatorPlan?
    /// Whether the plan has a `## Coordinator` section, usable or not.
    var declaresCoordinator = false
}

/// A `### Title` table under `## Content`: static data, one row a value.
public struct ContentTable: Hashable, Sendable {
    /// The subsection's title (`Plants`).
    public var title: String
    /// The Swift type of one row (`Plant`): the title in UpperCamelCase, singular.
    public var typeName: String
    public var columns: [FieldDeclaration]
    /// The rows' cells, in column order.
    public var rows: [[Located<String>]]
    public var position: SourcePosition
}

public struct StateField: Hashable, Sendable {
    public var name: String
    public var type: PlanType
    /// The initial value as written (`21`, `{}`, `false`).
    public var initial: Located<String>
    public var description: String
    public var position: SourcePosition
}

/// A row of `### Updates`: what the state's owner does on a topic, and what it publishes then.
public struct StateUpdate: Hashable, Sendable {
    public var on: Located<String>
    public var does: Prose
    public var publishes: Located<String>?
    public var position: SourcePosition
}

public struct Topic: Hashable, Sendable {
    public enum Source: String, Hashable, Sendable, CaseIterable {
        case ticker, state, external
    }

    public var name: String
    /// The message's Swift type (`Reading`).
    public var message: String
    public var fields: [FieldDeclaration]
    public var source: Source?
    public var position: SourcePosition
}

public struct TickerPlan: Hashable, Sendable {
    public var every: Located<Duration>
    public var publishes: Located<String>
    public var position: SourcePosition
}

public struct AgentPlan: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case pure, llm
    }

    public var name: String
    public var kind: Kind
    public var trigger: Located<String>
    public var responsibility: Prose
    /// The observation: one case and its fields.
    public var output: OutputCase
    /// Required for `llm` agents.
    public var fallback: Prose?
    public var model: Located<String>?
    public var timeout: Located<Duration>?
    public var position: SourcePosition
}

/// `heat(on: Bool)`: a case name and its fields; also a coordinator's directive.
public struct OutputCase: Hashable, Sendable {
    public var name: String
    public var fields: [FieldDeclaration]
    public var position: SourcePosition
}

public struct CoordinatorPlan: Hashable, Sendable {
    public enum Expects: Hashable, Sendable {
        case all
        case agents([Located<String>])
    }

    public enum Decides: String, Hashable, Sendable, CaseIterable {
        case model, rules
    }

    public var trigger: Located<String>
    public var window: Located<Duration>
    public var expects: Expects
    public var directive: OutputCase
    public var decides: Decides
    /// Required when a model decides.
    public var fallback: Prose?
    public var position: SourcePosition
}

// MARK: - Pipeline

public struct PipelinePlan: Hashable, Sendable {
    public var tables: [TablePlan]
    public var plans: [SubscriptionPlanRow]
    public var endpoints: [EndpointPlan]
    public var workers: [WorkerPlan]
    public var session: SessionPlan?
}

public struct TablePlan: Hashable, Sendable {
    public struct Column: Hashable, Sendable {
        public var name: String
        /// The SQL type as written (`INTEGER`, `TEXT`).
        public var type: String
        public var constraints: String
        public var position: SourcePosition
    }

    public var name: String
    public var columns: [Column]
    /// Each `Indexes:` entry: its columns in order.
    public var indexes: [Index]

    public struct Index: Hashable, Sendable {
        public var columns: [Located<String>]
        public var position: SourcePosition
    }
    public var position: SourcePosition
}

/// A row of `## Plans`: a subscription plan's features and usage limit.
public struct SubscriptionPlanRow: Hashable, Sendable {
    public enum Period: String, Hashable, Sendable, CaseIterable {
        case hour, day, month
    }

    public var name: String
    public var features: [Located<String>]
    public var limit: Int
    public var period: Period
    public var position: SourcePosition
}

public struct EndpointPlan: Hashable, Sendable {
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        case enqueue, call, status
    }

    public var method: String
    public var path: String
    public var feature: Located<String>
    public var cost: Int
    public var worker: Located<String>?
    public var mode: Mode
    /// The `### METHOD /path` table, if given.
    public var body: [BodyField]?
    public var position: SourcePosition

    /// `POST /api/summaries`.
    public var route: String { "\(method) \(path)" }
}

public struct BodyField: Hashable, Sendable {
    public var name: String
    public var type: PlanType
    public var required: Bool
    public var limits: String
    public var position: SourcePosition
}

public struct WorkerPlan: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case durable
        case inProcess = "in-process"
    }

    public var name: String
    public var kind: Kind
    public var payload: [FieldDeclaration]
    public var result: [FieldDeclaration]
    /// Where the result cell is (it may be empty).
    public var resultPosition: SourcePosition
    public var attempts: Int
    public var timeout: Located<Duration>
    public var processing: Prose
    public var position: SourcePosition
}

public struct SessionPlan: Hashable, Sendable {
    public var lifetime: Located<Duration>
    public var secretEnvironmentVariable: Located<String>
    public var position: SourcePosition
}

// MARK: - Decisions

/// `docs/decisions/{feature}.md`: the technology decisions the plan relies on.
public struct Decisions: Hashable, Sendable {
    public enum Store: String, Hashable, Sendable, CaseIterable {
        case sqlite, postgres
    }

    public enum Provider: String, Hashable, Sendable, CaseIterable {
        case anthropic, openai
    }

    public var store: Located<Store>?
    public var model: Located<String>?
    public var provider: Located<Provider>?
    public var window: Located<Duration>?
    /// The keys written in the document, valid or not (a misspelt value is not a missing one).
    var written: Set<String> = []

    public init(
        store: Located<Store>? = nil, model: Located<String>? = nil, provider: Located<Provider>? = nil,
        window: Located<Duration>? = nil
    ) {
        self.store = store
        self.model = model
        self.provider = provider
        self.window = window
    }
}
