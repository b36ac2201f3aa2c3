import Foundation
import SwitchyardAgents
import Synchronization

// Fan-out from one publisher to N handler subscribers, outside package-benchmark so a
// profiler can attach: `pubsub-fanout SUBSCRIBERS DELIVERIES [RUNS]`.

final class Tally: @unchecked Sendable { var received = 0 }

final class Remaining: Sendable {
    let count: Atomic<Int>
    let done = Mutex<(finished: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
    init(_ n: Int) { count = Atomic(n) }
    func one() {
        if count.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            done.withLock { state in
                state.finished = true
                return state.waiter.take()
            }?.resume()
        }
    }
    func wait() async {
        await withCheckedContinuation { continuation in
            let finished = done.withLock { state in
                if state.finished { return true }
                state.waiter = continuation
                return false
            }
            if finished { continuation.resume() }
        }
    }
}

/// Runs the fan-out off the main actor (top-level code runs on it, and every broadcast
/// would otherwise hop to and from it).
nonisolated func fanOut(subscribers: Int, deliveries: Int, runs: Int) async {
    let messages = deliveries / subscribers
    for run in 1...runs {
        let bus = PubSub()
        let topic = Topic<Int>("bench:fanout")
        let remaining = Remaining(subscribers)
        for _ in 0..<subscribers {
            let tally = Tally()
            _ = bus.subscribe(topic, options: .init(capacity: 4096, overflow: .suspendPublisher)) { _ in
                tally.received += 1
                if tally.received == messages { remaining.one() }
            }
        }
        let elapsed = await withDiscardingTaskGroup { group in
            group.addTask { try? await bus.run() }
            let start = ContinuousClock.now
            for n in 0..<messages { await bus.broadcast(n, on: topic) }
            await remaining.wait()
            let elapsed = ContinuousClock.now - start
            group.cancelAll()
            return elapsed
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("run \(run): 1→\(subscribers): \(Int(Double(messages * subscribers) / seconds)) deliveries/s")
    }
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
await fanOut(
    subscribers: arguments.first ?? 100,
    deliveries: arguments.dropFirst().first ?? 2_000_000,
    runs: arguments.dropFirst(2).first ?? 3)
