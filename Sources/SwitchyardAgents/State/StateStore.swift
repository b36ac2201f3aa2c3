import DequeModule
import Logging
import ServiceLifecycle
import Synchronization

/// A change to a ``StateStore``'s state, as published to subscribers.
public struct StateChange<State: Sendable>: Sendable {
    /// Increases by one with each applied update, starting at 1.
    public var version: UInt64
    /// The state after the update.
    public var state: State
}

/// The single owner of a domain's state, in the manner of an Erlang/OTP GenServer.
///
/// Updates are functions applied one at a time, in the order they were sent, by the store's
/// ``run()`` loop; after each, the new state is published on the `changes` topic with a
/// version number, so subscribers see changes in order. Readers take a ``snapshot`` at any
/// time without waiting for the loop, also from inside an update.
///
/// The store can be run again after its run ended (a supervisor restarting it): the state
/// and version carry over. It refuses a second run while one is going.
public final class StateStore<State: Sendable>: Service, Sendable {
    private struct Request: Sendable {
        var id: UInt64
        var transform: @Sendable (inout State) throws -> any Sendable
        var reply: CheckedContinuation<any Sendable, any Error>
    }

    /// The requests waiting for the run loop, and whether it runs.
    private struct Inbox {
        var isRunning = false
        var isStopping = false
        var requests: Deque<Request> = []
        var loop: CheckedContinuation<Void, Never>?
        var lastID: UInt64 = 0
    }

    private let current: Mutex<(version: UInt64, state: State)>
    private let inbox = Mutex(Inbox())
    private let changes: Topic<StateChange<State>>?
    private let bus: PubSub?
    private let logger: Logger

    /// - Parameters:
    ///   - initial: the state before any update.
    ///   - changes: where to publish each change, if anywhere.
    public init(
        initial: State,
        changes: Topic<StateChange<State>>? = nil,
        bus: PubSub? = nil,
        logger: Logger = Logger(label: "switchyard.state")
    ) {
        precondition(
            (changes == nil) == (bus == nil), "Switchyard: StateStore needs both a changes topic and a bus, or neither")
        self.current = Mutex((0, initial))
        self.changes = changes
        self.bus = bus
        self.logger = logger
    }

    /// The current state.
    public var snapshot: State { current.withLock { $0.state } }

    /// The number of updates applied so far.
    public var version: UInt64 { current.withLock { $0.version } }

    /// Applies `transform` to the state, after every update sent before it, and returns its
    /// result once the change is published (in every subscriber's buffer, or dropped by its
    /// policy).
    ///
    /// `transform` runs outside any lock, so it may read ``snapshot`` (the state before this
    /// update). An update sent while the store is not running — before its first run, or
    /// between two runs while a supervisor restarts it — waits for the next run; cancelling
    /// the waiting task withdraws it (`CancellationError`).
    /// - Throws: whatever `transform` throws (the state and version are then left unchanged,
    ///   and nothing is published); `CancellationError` if withdrawn.
    @discardableResult
    public func update<Result: Sendable>(_ transform: @escaping @Sendable (inout State) throws -> Result) async throws
        -> Result
    {
        let id = inbox.withLock { inbox in
            inbox.lastID += 1
            return inbox.lastID
        }
        let result = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
                let request = Request(id: id, transform: { try transform(&$0) }, reply: continuation)
                // Checked under the lock that the cancellation handler takes too, so a
                // cancellation either finds the request queued or stops it being queued.
                let (queued, loop) = inbox.withLock { inbox -> (Bool, CheckedContinuation<Void, Never>?) in
                    if Task.isCancelled { return (false, nil) }
                    inbox.requests.append(request)
                    defer { inbox.loop = nil }
                    return (true, inbox.loop)
                }
                if queued { loop?.resume() } else { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let withdrawn = inbox.withLock { inbox -> Request? in
                inbox.requests.firstIndex { $0.id == id }.map { inbox.requests.remove(at: $0) }
            }
            withdrawn?.reply.resume(throwing: CancellationError())
        }
        return result as! Result
    }

    /// Applies updates in order until graceful shutdown or cancellation; updates already sent
    /// are applied before it returns.
    /// - Throws: ``StateStoreAlreadyRunning`` if another run is going.
    public func run() async throws {
        let started = inbox.withLock { inbox in
            guard !inbox.isRunning else { return false }
            inbox.isRunning = true
            inbox.isStopping = false
            return true
        }
        guard started else { throw StateStoreAlreadyRunning() }
        await withTaskCancellationOrGracefulShutdownHandler {
            while let request = await nextRequest() {
                await apply(request)
            }
        } onCancelOrGracefulShutdown: {
            self.inbox.withLock { inbox -> CheckedContinuation<Void, Never>? in
                inbox.isStopping = true
                defer { inbox.loop = nil }
                return inbox.loop
            }?.resume()
        }
    }

    /// The next request, waiting for one; `nil` once stopping with none left (the run is
    /// then over).
    private func nextRequest() async -> Request? {
        while true {
            // (the next request, or none and whether the run is over)
            let (request, done) = inbox.withLock { inbox -> (Request?, Bool) in
                if let request = inbox.requests.popFirst() { return (request, false) }
                guard inbox.isStopping else { return (nil, false) }
                inbox.isRunning = false
                inbox.isStopping = false
                return (nil, true)
            }
            if let request { return request }
            if done { return nil }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = inbox.withLock { inbox in
                    if !inbox.requests.isEmpty || inbox.isStopping { return true }
                    inbox.loop = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func apply(_ request: Request) async {
        // Only this loop writes the state, so the copy taken here is still current when the
        // result is stored.
        var state = snapshot
        let result: any Sendable
        do {
            result = try request.transform(&state)
        } catch {
            request.reply.resume(throwing: error)
            return
        }
        let change = current.withLock { current -> StateChange<State> in
            current.version += 1
            current.state = state
            return StateChange(version: current.version, state: state)
        }
        if let changes, let bus { await bus.broadcast(change, on: changes) }
        request.reply.resume(returning: result)
    }
}
