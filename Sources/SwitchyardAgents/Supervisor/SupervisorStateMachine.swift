import DequeModule

/// The supervisor's restart rules, with no tasks and no clock of its own.
///
/// It tracks which children run, and on each exit decides which to stop (in reverse
/// order) and which to start (in order), or that the restart intensity is exceeded.
struct SupervisorStateMachine<Instant: InstantProtocol> where Instant.Duration == Duration {
    enum Decision: Equatable {
        /// Nothing to restart; the child stays down.
        case none
        /// Stop these (already in reverse order), then start these (in order).
        case restart(stop: [Int], start: [Int])
        /// Too many restarts in the period: stop everything and fail.
        case escalate
    }

    let restartTypes: [RestartType]
    let strategy: RestartStrategy
    let maxRestarts: Int
    let period: Duration
    private(set) var running: Set<Int>
    private var restarts: Deque<Instant> = []

    init(restartTypes: [RestartType], strategy: RestartStrategy, maxRestarts: Int, period: Duration) {
        self.restartTypes = restartTypes
        self.strategy = strategy
        self.maxRestarts = maxRestarts
        self.period = period
        self.running = []
    }

    mutating func started(_ index: Int) { running.insert(index) }
    mutating func stopped(_ index: Int) { running.remove(index) }

    /// The running children, last started first: the order to stop them in.
    var stopOrder: [Int] { running.sorted(by: >) }

    /// Child `index` exited on its own (`failed`: it threw).
    mutating func childExited(_ index: Int, failed: Bool, at now: Instant) -> Decision {
        running.remove(index)
        let restartable: Bool
        switch restartTypes[index] {
        case .permanent: restartable = true
        case .transient: restartable = failed
        case .temporary: restartable = false
        }
        guard restartable else { return .none }

        while let oldest = restarts.first, oldest.duration(to: now) >= period { restarts.removeFirst() }
        if restarts.count >= maxRestarts { return .escalate }
        restarts.append(now)

        let siblings: [Int]
        switch strategy {
        case .oneForOne: siblings = []
        case .restForOne: siblings = running.filter { $0 > index }.sorted(by: >)
        case .oneForAll: siblings = running.sorted(by: >)
        }
        // Temporary siblings are stopped with the others but never started again.
        let start = ([index] + siblings.filter { restartTypes[$0] != .temporary }).sorted()
        return .restart(stop: siblings, start: start)
    }
}
