import Foundation
import Logging
import ServiceLifecycle
import SwitchyardAgents

// Memory per idle agent as the runtime runs agents: AGENTS PureLogicAgentService children of
// one Supervisor under a ServiceGroup, every one started (its run() waiting for shutdown) and
// subscribed on a running bus. The figure is the growth of the process's resident memory from
// just before the tree is built to once every child runs, divided by AGENTS: the child specs,
// the supervisor's per-child service group and task, and the agent with its subscription.
//
// One measurement per process, so run it several times: a process that already built and
// freed agents reuses that memory, and later measurements in it look cheaper.
//
//   swift run -c release idle-agents [AGENTS]        (default 100000)

struct Probe: TriggerMessage {
    var triggerID: TriggerID { 0 }
}

struct IdleAgent: PureLogicAgent {
    let name: String
    func observe(_ trigger: Probe) -> Int { 0 }
}

/// Resident memory of this process now, in bytes (Linux: /proc/self/statm).
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

nonisolated func measure(agents count: Int) async throws {
    let bus = PubSub()
    let trigger = Topic<Probe>("bench:tick")
    let observations = Topic<Observation<Int>>.agentObservations(domain: "bench")
    let logger = Logger(label: "idle-agents")
    let before = residentBytes()
    let children = (0..<count).map { n in
        ChildSpec("agent-\(n)", stage: .pureAgents) {
            PureLogicAgentService(IdleAgent(name: "agent-\(n)"), trigger: trigger, observations: observations, bus: bus)
        }
    }
    let tree = try Supervisor(
        "bench", children: [.service("pubsub", stage: .infrastructure, bus)] + children, logger: logger)
    try await withThrowingDiscardingTaskGroup { tasks in
        tasks.addTask { try await ServiceGroup(services: [tree], logger: logger).run() }
        // Started means created, subscribed and running: wait for the last start, then let
        // every child task reach its wait.
        while tree.startLog.count < count + 1 { try await Task.sleep(for: .milliseconds(200)) }
        try await Task.sleep(for: .seconds(1))
        let after = residentBytes()
        precondition(bus.subscriberCount(of: trigger) == count, "not every agent is subscribed")
        print(
            "idle agents: \(count) started, supervised PureLogicAgentService: "
                + "\((after - before) / count) bytes each (resident memory delta \((after - before) / 1024) KiB)")
        // Stopping 100,000 children one by one measures nothing; the process ends here.
        exit(0)
    }
}

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000
try await measure(agents: count)
