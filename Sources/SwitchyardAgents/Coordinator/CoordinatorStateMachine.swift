import DequeModule

/// The coordinator's collection windows, with no clock and no I/O.
///
/// Overlap policy: windows are per trigger and run side by side; an observation is filed
/// under its own trigger, so overlapping windows never mix. A window opens on the first sign
/// of its trigger — the trigger itself or an observation of it, whichever arrives first —
/// and closes at its deadline, or early once every expected agent reported. At most
/// `maxOpenWindows` are open; opening one more closes the oldest at once (`evicted`).
/// Anything arriving for a closed window is counted as late and changes nothing.
struct CoordinatorStateMachine<Trigger: TriggerMessage, Value: Sendable> {
    enum Action {
        /// Start the window's deadline timer.
        case armTimer(TriggerID)
        /// The window closed: decide and publish.
        case close(CollectedWindow<Trigger, Value>, WindowCloseReason)
    }

    struct Stats: Sendable, Hashable {
        var windowsOpened = 0
        var closedEarly = 0
        var closedAtDeadline = 0
        var evicted = 0
        var lateObservations = 0
        var duplicateObservations = 0
    }

    let expectedAgents: Set<String>
    let maxOpenWindows: Int
    /// How many closed trigger ids are remembered to recognise late arrivals.
    let closedMemory: Int

    private var open: [TriggerID: CollectedWindow<Trigger, Value>] = [:]
    private var openOrder: Deque<TriggerID> = []
    private var closed: Set<TriggerID> = []
    private var closedOrder: Deque<TriggerID> = []
    private(set) var stats = Stats()
    private var isShutDown = false

    init(expectedAgents: Set<String>, maxOpenWindows: Int, closedMemory: Int = 4096) {
        precondition(maxOpenWindows >= 1, "Switchyard: maxOpenWindows must be at least 1")
        self.expectedAgents = expectedAgents
        self.maxOpenWindows = maxOpenWindows
        self.closedMemory = closedMemory
    }

    var openWindowCount: Int { open.count }

    mutating func receive(trigger: Trigger) -> [Action] {
        let id = trigger.triggerID
        if closed.contains(id) || isShutDown { return [] }
        if open[id] != nil {
            open[id]!.trigger = trigger
            return []
        }
        return openWindow(id, trigger: trigger)
    }

    mutating func receive(observation: Observation<Value>) -> [Action] {
        let id = observation.triggerID
        if closed.contains(id) || isShutDown {
            stats.lateObservations += 1
            return []
        }
        var actions: [Action] = []
        if open[id] == nil { actions = openWindow(id, trigger: nil) }
        guard open[id]!.observations[observation.agent] == nil else {
            stats.duplicateObservations += 1
            return actions
        }
        open[id]!.observations[observation.agent] = observation
        if open[id]!.isComplete {
            stats.closedEarly += 1
            actions.append(close(id, reason: .allReported))
        }
        return actions
    }

    mutating func deadlinePassed(for id: TriggerID) -> Action? {
        guard open[id] != nil else { return nil }
        stats.closedAtDeadline += 1
        return close(id, reason: .deadline)
    }

    /// Closes every open window, oldest first; nothing opens afterwards.
    mutating func shutDown() -> [Action] {
        isShutDown = true
        let ids = Array(openOrder)
        return ids.map { close($0, reason: .shutdown) }
    }

    private mutating func openWindow(_ id: TriggerID, trigger: Trigger?) -> [Action] {
        var actions: [Action] = []
        while open.count >= maxOpenWindows, let oldest = openOrder.first {
            stats.evicted += 1
            actions.append(close(oldest, reason: .evicted))
        }
        open[id] = CollectedWindow(triggerID: id, trigger: trigger, observations: [:], expectedAgents: expectedAgents)
        openOrder.append(id)
        stats.windowsOpened += 1
        actions.append(.armTimer(id))
        return actions
    }

    private mutating func close(_ id: TriggerID, reason: WindowCloseReason) -> Action {
        let window = open.removeValue(forKey: id)!
        if let index = openOrder.firstIndex(of: id) { openOrder.remove(at: index) }
        closed.insert(id)
        closedOrder.append(id)
        if closedOrder.count > closedMemory, let forgotten = closedOrder.popFirst() { closed.remove(forgotten) }
        return .close(window, reason)
    }
}
