import DequeModule
import Synchronization

/// The ready queue of handler mailboxes, served by the bus's runner tasks.
///
/// A mailbox is enqueued only on its `idle → active` edge, so it is in the queue at most
/// once. Waking a parked runner costs a thread wake-up, which is far dearer than a
/// delivery, so a runner is woken only when no runner is awake, or when work piles up
/// beyond ``wakeThreshold`` ready mailboxes per awake runner. A runner that finds the queue
/// empty yields a few times before it parks, since the next publish is usually moments away.
final class RunQueue: Sendable {
    private struct State {
        var ready: Deque<any Drainable> = []
        var parked: Deque<UnsafeContinuation<(any Drainable)?, Never>> = []
        var awake = 0
        var stopping = false
    }

    /// Ready mailboxes per awake runner beyond which another runner is woken.
    static let wakeThreshold = 16
    /// Times an idle runner yields, looking for work, before it parks.
    static let spinsBeforeParking = 4

    private let state = Mutex(State())

    func schedule(_ mailbox: any Drainable) {
        let (runner, handed) = state.withLock { state -> (UnsafeContinuation<(any Drainable)?, Never>?, (any Drainable)?) in
            if state.awake == 0, let runner = state.parked.popFirst() {
                state.awake += 1
                return (runner, mailbox)
            }
            state.ready.append(mailbox)
            if state.ready.count > Self.wakeThreshold * max(1, state.awake), let runner = state.parked.popFirst() {
                state.awake += 1
                return (runner, state.ready.popFirst())
            }
            return (nil, nil)
        }
        runner?.resume(returning: handed)
    }

    /// A runner starts serving the queue.
    func runnerStarted() {
        state.withLock { $0.awake += 1 }
    }

    /// The next mailbox to drain; `nil` once stopping and nothing is ready.
    func next() async -> (any Drainable)? {
        for _ in 0..<Self.spinsBeforeParking {
            if let ready = state.withLock({ $0.ready.popFirst() }) { return ready }
            await Task.yield()
        }
        return await withUnsafeContinuation { continuation in
            let immediate = state.withLock { state -> (any Drainable)?? in
                if let ready = state.ready.popFirst() { return .some(ready) }
                if state.stopping { return .some(nil) }
                state.parked.append(continuation)
                state.awake -= 1
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Accepts runners again after a ``stop()`` (a restarted bus).
    func start() {
        state.withLock { $0.stopping = false }
    }

    /// Runners finish what is ready, then return `nil` from ``next()``.
    func stop() {
        let parked = state.withLock { state in
            state.stopping = true
            state.awake += state.parked.count
            defer { state.parked.removeAll() }
            return state.parked
        }
        for runner in parked { runner.resume(returning: nil) }
    }
}
