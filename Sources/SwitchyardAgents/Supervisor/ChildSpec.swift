import ServiceLifecycle

/// The stages of a supervisor tree, in the only order a tree may start in: what others
/// depend on starts first and stops last.
public enum SupervisionStage: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// PubSub, database clients.
    case infrastructure = 1
    /// Central state and the ticker.
    case state
    /// Pure-logic agents.
    case pureAgents
    /// LLM agents.
    case llmAgents
    /// The coordinator.
    case coordinator
    /// The HTTP endpoint.
    case web

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .infrastructure: "infrastructure"
        case .state: "state"
        case .pureAgents: "pure agents"
        case .llmAgents: "LLM agents"
        case .coordinator: "coordinator"
        case .web: "web"
        }
    }
}

/// When a child is restarted (OTP's restart types).
public enum RestartType: String, Sendable, Hashable {
    /// Always restarted, whether it returned or threw.
    case permanent
    /// Restarted only if it threw.
    case transient
    /// Never restarted.
    case temporary
}

/// Which children a failure restarts (OTP's strategies).
public enum RestartStrategy: String, Sendable, Hashable {
    /// Only the child that exited.
    case oneForOne = "one_for_one"
    /// The child that exited and every child started after it.
    case restForOne = "rest_for_one"
    /// Every child.
    case oneForAll = "one_for_all"
}

/// One child of a ``Supervisor``.
public struct ChildSpec: Sendable {
    /// Unique among the supervisor's children; used in logs and errors.
    public var name: String
    /// The stage the child belongs to; the tree must list children in stage order.
    public var stage: SupervisionStage
    /// When the child is restarted.
    public var restart: RestartType
    /// Creates the child's service. Called in tree order at start, and again for each
    /// restart, so every run gets a fresh instance (like a GenServer's `init`).
    public var makeService: @Sendable () async throws -> any Service

    /// - Parameter makeService: creates the child's service, for each (re)start.
    public init(
        _ name: String,
        stage: SupervisionStage,
        restart: RestartType = .permanent,
        makeService: @escaping @Sendable () async throws -> any Service
    ) {
        self.name = name
        self.stage = stage
        self.restart = restart
        self.makeService = makeService
    }

    /// A child that runs the same service instance on every (re)start. Use it for services
    /// whose `run()` can be called again, such as ``PubSub``.
    public static func service(
        _ name: String, stage: SupervisionStage, restart: RestartType = .permanent, _ service: some Service
    ) -> ChildSpec {
        ChildSpec(name, stage: stage, restart: restart) { service }
    }
}
