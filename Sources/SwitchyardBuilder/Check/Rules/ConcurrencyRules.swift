import SwiftSyntax

// Model calls and tasks: LLM calls are non-blocking and run by the runtime; no unstructured tasks.

enum ConcurrencyRules {
    static let modelCalls: Set<String> = ["complete", "completeJSON", "stream"]

    // MARK: SY-CHECK-003

    static func blockingCall(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.blockingCall
        // A worker's runtime tracks and bounds it; a model of the app's own (a wrapper) calls the one it wraps.
        let allowed = context.facts.types(conformingTo: ProjectFacts.workerProtocols.union(["LanguageModel"]))
        var findings: [RawFinding] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self) {
                guard let name = call.calledName else { continue }
                let base = call.calledBase
                if base != nil, modelCalls.contains(name), call.arguments.count == 1, call.isAwaited {
                    if let owner = call.enclosingTypeName, allowed.contains(owner) { continue }
                    findings.append(
                        source.finding(
                            rule, at: call,
                            "a model call (`\(name)`) outside the runtime: an LLMAgent or CoordinatorLogic builds the prompt and LLMAgentService or Coordinator calls the model, with a timeout and the fallback"
                        ))
                    continue
                }
                let blocking: String?
                switch (base, name) {
                case (nil, "DispatchSemaphore"): blocking = "a DispatchSemaphore"
                case (nil, "sleep"), (nil, "usleep"), ("Thread", "sleep"): blocking = "`\(name)`"
                case (.some(let base), "wait")
                where base != "Task" && !call.isAwaited && call.trailingClosure == nil
                    && call.arguments.allSatisfy({ ["timeout", "wallTimeout"].contains($0.label?.text) }):
                    blocking = "`\(base).wait()`"
                default: blocking = nil
                }
                if let blocking {
                    findings.append(
                        source.finding(
                            rule, at: call,
                            "\(blocking) blocks a thread the cooperative pool shares: await instead (a task group, an AsyncStream, the runtime's services)"
                        ))
                }
            }
        }
        return findings
    }

    // MARK: SY-CHECK-004

    static func unstructuredTask(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.unstructuredTask
        var findings: [RawFinding] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self) where call.passesClosure {
                let detached = call.calledBase == "Task" && call.calledName == "detached"
                let plain = call.calledTypeName == "Task"
                guard detached || plain else { continue }
                findings.append(
                    source.finding(
                        rule, at: call,
                        "an unstructured \(detached ? "Task.detached" : "Task"): nobody awaits it, cancels it at shutdown or sees it fail; run the work in a Service's task group (a ChildSpec of the supervisor tree), or enqueue a job"
                    ))
            }
        }
        return findings
    }
}
