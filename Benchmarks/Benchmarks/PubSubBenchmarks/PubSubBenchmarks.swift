import Benchmark
import Synchronization
import SwitchyardAgents

import Foundation

// PubSub fan-out.
//
// One publisher, N handler subscribers (agents run on the bus's runners), each
// counting what it receives. One run makes `scaledIterations.count` (1,000,000) deliveries
// and one scaled iteration is one delivery, so the reported throughput is deliveries per
// second. Subscribers use a 4,096-message buffer with the
// lossless suspend-publisher policy, so nothing is dropped and every delivery is counted.
//
// The memory of idle agents is measured by the `idle-agents` executable instead: on started,
// supervised agents, one measurement per process.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 1,
        scalingFactor: .mega,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    for subscribers in [1, 10, 100, 1000] {
        Benchmark("fan-out 1→\(subscribers) (handler subscribers)") { benchmark in
            await fanOut(subscribers: subscribers, benchmark: benchmark)
        }
    }

    Benchmark("fan-out 1→100 (Subscription per task)") { benchmark in
        await fanOutToTasks(subscribers: 100, benchmark: benchmark)
    }
}

/// Counts one subscriber's deliveries; touched only by its own handler, one message at a time.
final class Tally: @unchecked Sendable {
    var received = 0
}

/// Signals once every subscriber has received every message.
final class Finish: Sendable {
    let remaining: Atomic<Int>
    let continuation: Mutex<CheckedContinuation<Void, Never>?> = Mutex(nil)
    let done = Atomic<Bool>(false)

    init(subscribers: Int) { remaining = Atomic(subscribers) }

    func subscriberDone() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            done.store(true, ordering: .releasing)
            continuation.withLock { $0.take() }?.resume()
        }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = self.continuation.withLock { slot -> Bool in
                if done.load(ordering: .acquiring) { return true }
                slot = continuation
                return false
            }
            if finished { continuation.resume() }
        }
    }
}

let lossless = SubscriptionOptions(capacity: 4096, overflow: .suspendPublisher)

func fanOut(subscribers: Int, benchmark: Benchmark) async {
    let messages = benchmark.scaledIterations.count / subscribers
    let bus = PubSub()
    let topic = Topic<Int>("bench:fanout")
    let finish = Finish(subscribers: subscribers)
    var handles: [SubscriptionHandle<Int>] = []
    for _ in 0..<subscribers {
        let tally = Tally()
        handles.append(
            bus.subscribe(topic, options: lossless) { _ in
                tally.received += 1
                if tally.received == messages { finish.subscriberDone() }
            })
    }
    await withDiscardingTaskGroup { group in
        group.addTask { try? await bus.run() }
        benchmark.startMeasurement()
        for n in 0..<messages { await bus.broadcast(n, on: topic) }
        await finish.wait()
        benchmark.stopMeasurement()
        precondition(handles.allSatisfy { $0.droppedCount == 0 })
        group.cancelAll()
    }
}

func fanOutToTasks(subscribers: Int, benchmark: Benchmark) async {
    let messages = benchmark.scaledIterations.count / subscribers
    let bus = PubSub()
    let topic = Topic<Int>("bench:fanout")
    let finish = Finish(subscribers: subscribers)
    await withDiscardingTaskGroup { group in
        for _ in 0..<subscribers {
            let subscription = bus.subscribe(topic, options: lossless)
            group.addTask {
                var received = 0
                for await _ in subscription {
                    received += 1
                    if received == messages { break }
                }
                finish.subscriberDone()
            }
        }
        benchmark.startMeasurement()
        for n in 0..<messages { await bus.broadcast(n, on: topic) }
        await finish.wait()
        benchmark.stopMeasurement()
    }
}
