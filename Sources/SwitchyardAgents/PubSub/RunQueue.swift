import DequeModule
import Synchronization

/// The ready queue of handler mailboxes, served by the bus's runner tasks.
///
/// A mailbox is enqueued only on its `idle → active` edge, so it is in the queue at most
/// once. A parked runner is handed the mailbox directly; at most one runner is woken per
/// scheduled mailbox, and none when a runner is already awake to take it.
final class RunQueue: Sendable {
    private struct State {
        var ready: Deque<any Drainable> = []
        var parked: Deque<UnsafeContinuation<(any Drainable)?, Never>> = []
        var stopping = false
    }

    private let state = Mutex(State())

    func schedule(_ mailbox: any Drainable) {
        let runner = state.withLock { state -> UnsafeContinuation<(any Drainable)?, Never>? in
            if let runner = state.parked.popFirst() { return runner }
            state.ready.append(mailbox)
            return nil
        }
        runner?.resume(returning: mailbox)
    }

    /// The next mailbox to drain; `nil` once stopping and nothing is ready.
    func next() async -> (any Drainable)? {
        if let ready = state.withLock({ $0.ready.popFirst() }) { return ready }
        return await withUnsafeContinuation { continuation in
            let immediate = state.withLock { state -> (any Drainable)?? in
                if let ready = state.ready.popFirst() { return .some(ready) }
                if state.stopping { return .some(nil) }
                state.parked.append(continuation)
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
            defer { state.parked.removeAll() }
            return state.parked
        }
        for runner in parked { runner.resume(returning: nil) }
    }
}
