import DequeModule

/// The rules of the bus's shared ready queue, with no locking and no I/O.
///
/// ``RunQueue`` holds one of these behind a mutex and carries out the actions it returns
/// (resume a parked runner, fill a runner's slot) after, or while holding, the lock.
///
/// - Mailboxes (`Item`) wait in ``ready`` in the order they were scheduled.
/// - Runners are *searching* (awake, looking for work), *parked* (`Runner`, the value that
///   resumes one: `true` to search again, `false` to stop), or busy in a handler.
/// - Waking a parked runner is dear, so a runner is woken only when work waits and no runner
///   is searching; the woken runner counts as searching at once, so one arrival never wakes
///   two runners.
@usableFromInline
struct RunQueueState<Item, Runner> {
    @usableFromInline var ready: Deque<Item> = []
    @usableFromInline var parked: Deque<Runner> = []
    /// Runners awake and looking for work (not parked, not in a handler).
    @usableFromInline var searching = 0
    @usableFromInline var stopping = false

    @usableFromInline
    init() {}

    /// Wakes one parked runner if work waits and nobody is looking for it; it wakes up
    /// searching.
    mutating func runnerToWake(workWaiting: Bool) -> Runner? {
        guard workWaiting, searching == 0, let runner = parked.popFirst() else { return nil }
        searching += 1
        return runner
    }

    // MARK: Publisher side

    /// Queues a mailbox; returns the runner to resume (with `true`), if any.
    mutating func schedule(_ item: Item) -> Runner? {
        ready.append(item)
        return runnerToWake(workWaiting: true)
    }

    /// Queues mailboxes; returns the runner to resume (with `true`), if any.
    mutating func schedule(contentsOf items: some Sequence<Item>) -> Runner? {
        ready.append(contentsOf: items)
        return runnerToWake(workWaiting: true)
    }

    // MARK: Runner side

    /// A runner found its slot empty and starts searching.
    mutating func startSearching() {
        searching += 1
    }

    /// A searching runner found work elsewhere (stole it) and stops searching.
    mutating func stopSearching() {
        searching -= 1
    }

    /// What a searching runner takes from the shared queue.
    struct Take {
        /// The mailbox to drain now.
        var first: Item
        /// Mailboxes for the runner's own slot, in queue order.
        var extra: [Item]
        /// A parked runner to resume (with `true`) to share `extra`.
        var wake: Runner?
    }

    /// A searching runner takes the oldest mailbox and up to `batch - 1` more for its slot,
    /// and stops searching. If it took extras and nobody else is searching, a parked runner
    /// is woken to share them. `nil` (still searching) when the queue is empty.
    mutating func take(batch: Int) -> Take? {
        guard let first = ready.popFirst() else { return nil }
        let count = min(batch - 1, ready.count)
        var extra: [Item] = []
        if count > 0 {
            extra = Array(ready.prefix(count))
            ready.removeFirst(count)
        }
        searching -= 1
        return Take(first: first, extra: extra, wake: runnerToWake(workWaiting: count > 0))
    }

    @usableFromInline
    enum ParkAction {
        /// Work arrived meanwhile: do not park, resume at once with `true` (still searching).
        case searchAgain
        /// The queue is stopping: do not park, resume at once with `false`.
        case stop
        /// Parked; a ``schedule(_:)`` or ``stop()`` resumes it.
        case parked
    }

    /// A searching runner found nothing and offers to park.
    mutating func park(_ runner: Runner) -> ParkAction {
        if !ready.isEmpty { return .searchAgain }
        searching -= 1
        if stopping { return .stop }
        parked.append(runner)
        return .parked
    }

    // MARK: Lifecycle

    /// Accepts runners again after a ``stop()`` (a restarted bus).
    mutating func start() {
        stopping = false
        searching = 0
    }

    /// Stops: returns the parked runners, to resume with `false`.
    mutating func stop() -> Deque<Runner> {
        stopping = true
        defer { parked.removeAll() }
        return parked
    }
}
