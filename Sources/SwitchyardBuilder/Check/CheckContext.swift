/// Everything the rules look at, read once: the app's Swift files parsed, its other owned text
/// files, what its plans say, and which features were built.
struct CheckContext {
    /// A Multi-Agent plan as `check` compares it with the code.
    struct PlanTopics {
        var feature: String
        var domain: String
        /// Topics the code must declare once the feature is built, with their plan positions.
        var required: [Located<String>]
        /// Topics the code may declare: `required` and the implied ones every feature may have.
        var allowed: Set<String>
        /// Whether the code is expected to implement the plan: built (in the manifest), or using its domain.
        var built: Bool
    }

    /// A plan that could not be read whole: its topics are not compared.
    struct OpenPlan {
        var feature: String
        var position: SourcePosition
    }

    var sources: [ParsedSource]
    /// Every file checked line by line (conflict markers): the Swift files and the other owned ones.
    var textFiles: [(path: String, text: String)]
    var facts: ProjectFacts
    /// The tracks of the app's plans; empty when it has none (then every rule runs).
    var tracks: Set<Plan.Track>
    var topicPlans: [PlanTopics]
    var openPlans: [OpenPlan]

    init(
        sources: [ParsedSource], otherFiles: [(path: String, text: String)], tracks: Set<Plan.Track>,
        topicPlans: [PlanTopics], openPlans: [OpenPlan]
    ) {
        self.sources = sources
        self.textFiles = sources.map { ($0.path, $0.text) } + otherFiles
        self.facts = ProjectFacts(sources)
        self.tracks = tracks
        self.topicPlans = topicPlans
        self.openPlans = openPlans
    }

    func source(at path: String) -> ParsedSource? {
        sources.first { $0.path == path }
    }

    /// The topics a Multi-Agent plan asks for, and may imply.
    static func topics(of plan: Plan, built: Bool) -> PlanTopics? {
        guard let agents = plan.multiAgent else { return nil }
        var required = agents.topics.map { Located($0.name, at: $0.position) }
        let implied = ["agent_observation", "coordinator_directive", "state_changed"].map { "\(plan.domain):\($0)" }
        if !agents.agents.isEmpty { required.append(Located(implied[0], at: agents.agents[0].position)) }
        if let coordinator = agents.coordinator { required.append(Located(implied[1], at: coordinator.position)) }
        if !agents.state.isEmpty { required.append(Located(implied[2], at: agents.state[0].position)) }
        if let ticker = agents.ticker, !required.contains(where: { $0.value == ticker.publishes.value }) {
            required.append(Located(ticker.publishes.value, at: ticker.position))
        }
        return PlanTopics(
            feature: plan.feature, domain: plan.domain, required: required,
            allowed: Set(required.map(\.value)).union(implied), built: built)
    }
}
