import Logging
import ServiceLifecycle
import Synchronization

/// A change to a ``StateStore``'s state, as published to subscribers.
public struct StateChange<State: Sendable>: Sendable {
    /// Increases by one with each update, starting at 1.
    public var version: UInt64
    /// The state after the update.
    public var state: State
}

/// Thrown by ``StateStore/update(_:)`` when the store is not running any more.
public struct StateStoreStopped: Error, CustomStringConvertible {
    public var description: String { "the state store has stopped; the update was not applied" }
}

/// The single owner of a domain's state: the Swift form of the seed's State GenServer.
///
/// Updates are functions applied one at a time, in the order they were sent, by the store's
/// ``run()`` loop; after each, the new state is published on the `changes` topic with a
/// version number, so subscribers see changes in order. Readers take a ``snapshot`` at any
/// time without waiting for the loop.
public final class StateStore<State: Sendable>: Service, Sendable {
    private struct Request: Sendable {
        var apply: @Sendable (inout State) -> Void
    }

    private let current: Mutex<(version: UInt64, state: State)>
    private let requests: AsyncStream<Request>
    private let requestSink: AsyncStream<Request>.Continuation
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
        precondition((changes == nil) == (bus == nil), "Switchyard: StateStore needs both a changes topic and a bus, or neither")
        self.current = Mutex((0, initial))
        (self.requests, self.requestSink) = AsyncStream.makeStream()
        self.changes = changes
        self.bus = bus
        self.logger = logger
    }

    /// The current state.
    public var snapshot: State { current.withLock { $0.state } }

    /// The number of updates applied so far.
    public var version: UInt64 { current.withLock { $0.version } }

    /// Applies `transform` to the state, after every update sent before it, and returns its
    /// result once the change is published.
    ///
    /// Updates sent before ``run()`` starts wait for it.
    /// - Throws: ``StateStoreStopped`` if the store has stopped; whatever `transform` throws
    ///   (the state is then left unchanged).
    @discardableResult
    public func update<Result: Sendable>(_ transform: @escaping @Sendable (inout State) throws -> Result) async throws
        -> Result
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let request = Request { state in
                var copy = state
                do {
                    let result = try transform(&copy)
                    state = copy
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if case .terminated = requestSink.yield(request) {
                continuation.resume(throwing: StateStoreStopped())
            }
        }
    }

    /// Applies updates in order until graceful shutdown; updates already sent are applied
    /// before it returns.
    public func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            for await request in requests {
                let change = current.withLock { current -> StateChange<State> in
                    var state = current.state
                    request.apply(&state)
                    current.version += 1
                    current.state = state
                    return StateChange(version: current.version, state: state)
                }
                if let changes, let bus { await bus.broadcast(change, on: changes) }
            }
        } onCancelOrGracefulShutdown: { [requestSink] in
            requestSink.finish()
        }
    }
}
