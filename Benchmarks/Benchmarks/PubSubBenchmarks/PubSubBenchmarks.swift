import Benchmark
import Synchronization
import SwitchyardAgents

import Foundation

// PubSub fan-out and the cost of idle agents.
//
// Fan-out: one publisher, N handler subscribers (agents run on the bus's runners), each
// counting what it receives. One run makes `scaledIterations.count` (1,000,000) deliveries
// and one scaled iteration is one delivery, so the reported throughput is deliveries per
// second. Subscribers use a 4,096-message buffer with the
// lossless suspend-publisher policy, so nothing is dropped and every delivery is counted.
//
// Idle agents: the memory held per subscribed, idle PureLogicAgentService, measured with
// the process's resident memory around the creation of 100,000 of them; and, for comparison, per idle
// task iterating a Subscription (the task-per-agent design the runtime avoids).

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

    let idle = BenchmarkMetric.custom("bytes per idle agent", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark(
        "idle agents: 100,000 PureLogicAgentService",
        configuration: .init(metrics: [idle], warmupIterations: 0, scalingFactor: .one, maxIterations: 3)
    ) { benchmark in
        let bus = PubSub()
        let trigger = Topic<Probe>("bench:tick")
        let observations = Topic<Observation<Int>>.agentObservations(domain: "bench")
        let before = residentBytes()
        let agents = (0..<100_000).map { n in
            PureLogicAgentService(IdleAgent(name: "agent-\(n)"), trigger: trigger, observations: observations, bus: bus)
        }
        let after = residentBytes()
        benchmark.measurement(idle, (after - before) / agents.count)
        blackHole(agents)
    }

    Benchmark(
        "idle agents: 100,000 tasks awaiting a Subscription",
        configuration: .init(metrics: [idle], warmupIterations: 0, scalingFactor: .one, maxIterations: 3)
    ) { benchmark in
        let bus = PubSub()
        let trigger = Topic<Probe>("bench:tick")
        let count = 100_000
        let parked = Finish(subscribers: 0)
        let before = residentBytes()
        await withDiscardingTaskGroup { group in
            for _ in 0..<count {
                let subscription = bus.subscribe(trigger)
                group.addTask {
                    parked.remaining.add(1, ordering: .relaxed)
                    for await _ in subscription { return }
                }
            }
            while parked.remaining.load(ordering: .relaxed) < count { await Task.yield() }
            // Let every task reach its park.
            for _ in 0..<10 { await Task.yield() }
            let after = residentBytes()
            benchmark.measurement(idle, (after - before) / count)
            await bus.broadcast(Probe(), on: trigger)
        }
    }
}

struct Probe: TriggerMessage {
    var triggerID: TriggerID { 0 }
}

struct IdleAgent: PureLogicAgent {
    let name: String
    func observe(_ trigger: Probe) -> Int { 0 }
}

/// Resident memory of this process now, in bytes (Linux: /proc/self/statm).
///
/// Measured around the creation of 100,000 agents, so page granularity is noise below
/// 0.05 bytes per agent.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
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
