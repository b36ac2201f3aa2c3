import DequeModule

/// The coordinator's collection windows, with no clock and no I/O.
///
/// Overlap policy: windows are per trigger and run side by side; an observation is filed
/// under its own trigger, so overlapping windows never mix. A window opens on the first sign
/// of its trigger — the trigger itself or an observation of it, whichever arrives first —
/// and closes at its deadline, or early once every expected agent reported and the trigger
/// itself has arrived. At most `maxOpenWindows` are open; opening one more closes the oldest
/// at once (`evicted`). Anything arriving for a closed window is counted as late and changes
/// nothing.
///
/// A window is decided only if its trigger arrived: one opened by observations whose trigger
/// never comes is dropped when it closes (counted in `orphaned`). So however late an
/// observation is — even for a trigger closed so long ago that it is no longer remembered —
/// it never opens a second directive for that trigger.
///
/// Every opened window gets the next sequence number, in opening order; `close` carries it
/// so the coordinator can publish directives in trigger order.
struct CoordinatorStateMachine<Trigger: TriggerMessage, Value: Sendable> {
    enum Action {
        /// Start the window's deadline timer.
        case armTimer(TriggerID)
        /// The window closed with its trigger: decide and publish, as number `sequence`.
        case close(CollectedWindow<Trigger, Value>, WindowCloseReason, sequence: UInt64)
        /// The window closed without its trigger: nothing to decide, but number `sequence`
        /// is used up (the coordinator must not wait for it).
        case drop(sequence: UInt64)
    }

    struct Stats: Sendable, Hashable {
        var windowsOpened = 0
        var closedEarly = 0
        var closedAtDeadline = 0
        var evicted = 0
        var lateObservations = 0
        var duplicateObservations = 0
        var orphaned = 0
    }

    private struct OpenWindow {
        var window: CollectedWindow<Trigger, Value>
        var sequence: UInt64
    }

    let expectedAgents: Set<String>
    let maxOpenWindows: Int
    /// How many closed trigger ids are remembered to recognise late arrivals (for counting
    /// them; forgetting one never reopens its trigger, see above).
    let closedMemory: Int

    private var open: [TriggerID: OpenWindow] = [:]
    private var openOrder: Deque<TriggerID> = []
    private var closed: Set<TriggerID> = []
    private var closedOrder: Deque<TriggerID> = []
    private var nextSequence: UInt64 = 0
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
            open[id]!.window.trigger = trigger
            return closeIfComplete(id)
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
        guard open[id]!.window.observations[observation.agent] == nil else {
            stats.duplicateObservations += 1
            return actions
        }
        open[id]!.window.observations[observation.agent] = observation
        return actions + closeIfComplete(id)
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

    private mutating func closeIfComplete(_ id: TriggerID) -> [Action] {
        guard let entry = open[id], entry.window.trigger != nil, entry.window.isComplete else { return [] }
        stats.closedEarly += 1
        return [close(id, reason: .allReported)]
    }

    private mutating func openWindow(_ id: TriggerID, trigger: Trigger?) -> [Action] {
        var actions: [Action] = []
        while open.count >= maxOpenWindows, let oldest = openOrder.first {
            stats.evicted += 1
            actions.append(close(oldest, reason: .evicted))
        }
        open[id] = OpenWindow(
            window: CollectedWindow(triggerID: id, trigger: trigger, observations: [:], expectedAgents: expectedAgents),
            sequence: nextSequence)
        nextSequence += 1
        openOrder.append(id)
        stats.windowsOpened += 1
        actions.append(.armTimer(id))
        return actions
    }

    private mutating func close(_ id: TriggerID, reason: WindowCloseReason) -> Action {
        let entry = open.removeValue(forKey: id)!
        if let index = openOrder.firstIndex(of: id) { openOrder.remove(at: index) }
        closed.insert(id)
        closedOrder.append(id)
        if closedOrder.count > closedMemory, let forgotten = closedOrder.popFirst() { closed.remove(forgotten) }
        guard entry.window.trigger != nil else {
            stats.orphaned += 1
            return .drop(sequence: entry.sequence)
        }
        return .close(entry.window, reason, sequence: entry.sequence)
    }
}
