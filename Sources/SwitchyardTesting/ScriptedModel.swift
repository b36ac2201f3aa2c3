import DequeModule
import SwitchyardModel
import Synchronization

/// A ``LanguageModel`` that answers from a script: for tests, and for demos without a key.
///
/// Each call takes the next ``Step`` (or `otherwise` once the script is used up). Every call
/// is recorded and reported as an event (``nextCall()``), so a test can wait for a call
/// instead of sleeping.
public final class ScriptedModel: LanguageModel, Sendable {
    /// What one call does.
    public enum Step: Sendable {
        /// Reply with this text.
        case reply(String)
        /// Throw this error.
        case fail(any Error)
        /// Never answer; throw `CancellationError` when the call is cancelled (a timeout).
        case hang
        /// Wait until the gate opens, then do `then`.
        indirect case gated(Gate, then: Step)
        /// Compute the reply from the request.
        case respond(@Sendable (ModelRequest) async throws -> String)
    }

    /// A one-shot barrier: calls wait on it until a test opens it.
    public final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        public init() {}

        public func open() {
            let waiters = state.withLock { state in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        public func wait() async {
            await withCheckedContinuation { continuation in
                let proceed = state.withLock { state in
                    if state.open { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if proceed { continuation.resume() }
            }
        }
    }

    private struct State {
        var steps: Deque<Step>
        var requests: [ModelRequest] = []
        var events: Deque<ModelRequest> = []
        var eventWaiters: Deque<CheckedContinuation<ModelRequest, Never>> = []
    }

    public let name: String
    private let otherwise: Step
    private let state: Mutex<State>

    /// - Parameters:
    ///   - steps: what the first calls do, in order.
    ///   - otherwise: what every later call does. Default: fail with ``ScriptExhausted``.
    public init(name: String = "scripted", steps: [Step] = [], otherwise: Step = .fail(ScriptExhausted())) {
        self.name = name
        self.otherwise = otherwise
        self.state = Mutex(State(steps: Deque(steps)))
    }

    /// Appends steps to the script.
    public func enqueue(_ steps: Step...) {
        state.withLock { $0.steps.append(contentsOf: steps) }
    }

    /// Every request received so far, in order.
    public var requests: [ModelRequest] { state.withLock { $0.requests } }

    /// Waits for the next call (or returns one already made and not yet awaited). Each call
    /// is reported once, in order.
    @discardableResult
    public func nextCall() async -> ModelRequest {
        await withCheckedContinuation { continuation in
            let event = state.withLock { state -> ModelRequest? in
                if let event = state.events.popFirst() { return event }
                state.eventWaiters.append(continuation)
                return nil
            }
            if let event { continuation.resume(returning: event) }
        }
    }

    public func complete(_ request: ModelRequest) async throws -> ModelReply {
        let (step, waiter) = state.withLock { state in
            state.requests.append(request)
            let waiter = state.eventWaiters.popFirst()
            if waiter == nil { state.events.append(request) }
            return (state.steps.popFirst() ?? otherwise, waiter)
        }
        waiter?.resume(returning: request)
        return ModelReply(text: try await perform(step, request), model: name, stopReason: "end_turn")
    }

    private func perform(_ step: Step, _ request: ModelRequest) async throws -> String {
        switch step {
        case .reply(let text):
            return text
        case .fail(let error):
            throw error
        case .hang:
            let cancelled = Gate()
            await withTaskCancellationHandler {
                await cancelled.wait()
            } onCancel: {
                cancelled.open()
            }
            throw CancellationError()
        case .gated(let gate, let then):
            await gate.wait()
            return try await perform(then, request)
        case .respond(let respond):
            return try await respond(request)
        }
    }
}

/// Thrown by a ``ScriptedModel`` whose script ran out.
public struct ScriptExhausted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "the scripted model has no more steps" }
}
