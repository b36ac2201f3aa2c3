import DequeModule
import Synchronization

/// A clock that moves only when a test says so.
///
/// Every `sleep` registers a sleeper and records a *sleep event*; a test waits for the event
/// (``nextSleepScheduled()``) and then moves time (``advance(by:)``), so timers and timeouts
/// are driven deterministically and no test ever sleeps. Modelled on postgres-nio's
/// `MockClock`.
public final class MockClock: Clock, Sendable {
    /// A point on the mock timeline: the time elapsed since the clock was created.
    public struct Instant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "T+\(offset)" }
    }

    private struct Sleeper {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        var events: Deque<Instant> = []
        var eventWaiters: Deque<CheckedContinuation<Instant, Never>> = []
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// How many tasks are sleeping on this clock now.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (resumeNow, eventWaiter) = state.withLock {
                    state -> (Result<Void, any Error>?, CheckedContinuation<Instant, Never>?) in
                    let waiter = state.eventWaiters.popFirst()
                    if waiter == nil { state.events.append(deadline) }
                    if Task.isCancelled { return (.failure(CancellationError()), waiter) }
                    if deadline <= state.now { return (.success(()), waiter) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (nil, waiter)
                }
                eventWaiter?.resume(returning: deadline)
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until some task calls `sleep` on this clock (or returns at once for a sleep
    /// already made and not yet awaited), and returns that sleep's deadline. Each `sleep`
    /// call is reported exactly once, in call order.
    @discardableResult
    public func nextSleepScheduled() async -> Instant {
        await withCheckedContinuation { (continuation: CheckedContinuation<Instant, Never>) in
            let event = state.withLock { state -> Instant? in
                if let event = state.events.popFirst() { return event }
                state.eventWaiters.append(continuation)
                return nil
            }
            if let event { continuation.resume(returning: event) }
        }
    }

    /// Waits until some task sleeps until exactly `deadline` (skipping other sleeps), then
    /// moves time there, waking it.
    public func advanceWhenSleeping(until deadline: Instant) async {
        while await nextSleepScheduled() != deadline {}
        advance(to: deadline)
    }

    /// Moves time forward by `duration`, waking every sleeper whose deadline has come, in
    /// deadline order.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: duration))
    }

    /// Moves time to `instant` (never backwards), waking every sleeper whose deadline has come.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
