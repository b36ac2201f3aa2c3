import DequeModule
import Logging
import SwitchyardAgents
import SwitchyardModel
import Synchronization

struct Trigger: TriggerMessage, Equatable {
    var n: Int
    var triggerID: TriggerID { TriggerID(n) }
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// Replies with a number; falls back to -n.
struct NumberAgent: LLMAgent {
    let name = "numbers"
    func prompt(for trigger: Trigger) -> ModelRequest { .user("number for \(trigger.n)?") }
    func parse(_ reply: ModelReply, for trigger: Trigger) throws -> Int {
        guard let value = Int(reply.text) else { throw Unparsable() }
        return value
    }
    func fallback(for trigger: Trigger, reason: FallbackReason) -> Int { -trigger.n }
    struct Unparsable: Error {}
}

/// Doubles the trigger's number, and counts how many it saw.
struct Doubler: PureLogicAgent {
    let name: String
    var seen = 0
    mutating func observe(_ trigger: Trigger) -> Int {
        seen += 1
        return trigger.n * 2
    }
}

/// Records events from several tasks and lets a test wait for one.
final class EventLog: Sendable {
    private let state = Mutex<(events: [String], waiters: [(String, CheckedContinuation<Void, Never>)])>(([], []))

    func record(_ event: String) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(event)
            let ready = state.waiters.filter { $0.0 == event }.map(\.1)
            state.waiters.removeAll { $0.0 == event }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    var events: [String] { state.withLock { $0.events } }

    /// Waits until `event` has been recorded.
    func waitFor(_ event: String) async {
        await withCheckedContinuation { continuation in
            let seen = state.withLock { state in
                if state.events.contains(event) { return true }
                state.waiters.append((event, continuation))
                return false
            }
            if seen { continuation.resume() }
        }
    }
}
