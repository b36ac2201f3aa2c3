import SwiftSyntax
import SwitchyardConfiguration

// The Multi-Agent wiring: the coordinator's window, the supervisor order, the plan's topics.

enum WiringRules {
    // MARK: SY-CHECK-005

    static func coordinatorWindow(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.coordinatorWindow
        var findings: [RawFinding] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self)
            where call.calledTypeName == "Coordinator" && call.argument("trigger") != nil {
                guard let options = call.argument("options")?.expression else {
                    findings.append(
                        source.finding(
                            rule, at: call,
                            "a Coordinator without `options: .init(window: …)`: it decides after the runtime's default window, not the plan's"
                        ))
                    continue
                }
                guard let made = options.as(FunctionCallExprSyntax.self),
                    made.calledName == "init" || made.calledTypeName == "CoordinatorOptions"
                else { continue }  // options made elsewhere: not visible here
                guard let window = made.argument("window")?.expression else {
                    findings.append(
                        source.finding(
                            rule, at: options,
                            "the Coordinator's options give no `window:`: it decides after the runtime's default window, not the plan's"
                        ))
                    continue
                }
                if isZeroDuration(window) {
                    findings.append(
                        source.finding(
                            rule, at: window,
                            "the Coordinator's window is zero: it would decide before any agent could answer"))
                }
            }
        }
        return findings
    }

    /// `.zero`, `Duration.zero`, `.seconds(0)`, `.milliseconds(0)`.
    static func isZeroDuration(_ expression: ExprSyntax) -> Bool {
        if let member = expression.as(MemberAccessExprSyntax.self) { return member.declName.baseName.text == "zero" }
        if let call = expression.as(FunctionCallExprSyntax.self), call.arguments.count == 1,
            let value = call.arguments.first?.expression
        {
            let text = value.trimmedDescription
            return text == "0" || text == "0.0"
        }
        return false
    }

    // MARK: SY-CHECK-006

    static func supervisorOrder(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.supervisorOrder
        let stages = ["infrastructure", "state", "pureAgents", "llmAgents", "coordinator", "web"]
        let words = ["infrastructure", "state", "pure agents", "LLM agents", "coordinator", "web"]
        var findings: [RawFinding] = []
        for source in context.sources {
            var groups: [SyntaxIdentifier: [(rank: Int, node: Syntax)]] = [:]
            var order: [SyntaxIdentifier] = []
            for call in source.tree.descendants(FunctionCallExprSyntax.self) {
                let stage: ExprSyntax?
                if let labelled = call.argument("stage")?.expression {
                    stage = labelled
                } else if call.calledName == "children", call.calledBase != nil, call.arguments.count == 1,
                    call.arguments.first?.label == nil
                {
                    stage = call.arguments.first?.expression
                } else {
                    stage = nil
                }
                guard let member = stage?.as(MemberAccessExprSyntax.self),
                    member.base == nil || member.base?.trimmedDescription == "SupervisionStage",
                    let rank = stages.firstIndex(of: member.declName.baseName.text),
                    let group = call.ancestor(CodeBlockItemListSyntax.self)?.id
                else { continue }
                if groups[group] == nil { order.append(group) }
                groups[group, default: []].append((rank, Syntax(call)))
            }
            for group in order {
                var highest = -1
                for mention in groups[group, default: []] {
                    if mention.rank < highest {
                        findings.append(
                            source.finding(
                                rule, at: mention.node,
                                "a child of stage \(words[mention.rank]) is listed after one of stage \(words[highest]): the builder's order is infrastructure, state, pure agents, LLM agents, coordinator, web"
                            ))
                    }
                    highest = max(highest, mention.rank)
                }
            }
        }
        return findings
    }

    // MARK: SY-CHECK-016

    /// A topic name the code declares, and where.
    struct CodeTopic {
        var name: String
        var node: Syntax
        var source: ParsedSource
    }

    static func codeTopics(_ context: CheckContext) -> [CodeTopic] {
        var topics: [CodeTopic] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self) {
                if call.calledTypeName == "Topic",
                    let literal = call.unlabeledArguments.first?.expression.as(
                        StringLiteralExprSyntax.self), let name = literal.plainText
                {
                    topics.append(CodeTopic(name: name, node: Syntax(literal), source: source))
                    continue
                }
                let suffix: String? =
                    switch call.calledName {
                    case "agentObservations": "agent_observation"
                    case "coordinatorDirectives": "coordinator_directive"
                    default: nil
                    }
                if let suffix, call.calledExpression.is(MemberAccessExprSyntax.self),
                    let domain = call.argument("domain")?.expression.as(StringLiteralExprSyntax.self)?.plainText
                {
                    topics.append(CodeTopic(name: "\(domain):\(suffix)", node: Syntax(call), source: source))
                }
            }
        }
        return topics
    }

    static func topicsMatchPlan(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.topicsMatchPlan
        var findings: [RawFinding] = []
        for open in context.openPlans {
            var finding = RawFinding(
                rule: rule, path: open.position.document, line: open.position.line, column: open.position.column,
                message:
                    "the plan of \(open.feature) has open questions, so its topics were not compared with the code; run `switchyard plan lint \(open.feature)`",
                declaration: open.feature)
            finding.informational = true
            findings.append(finding)
        }
        guard !context.topicPlans.isEmpty else { return findings }
        let topics = codeTopics(context)
        let allowed = context.topicPlans.reduce(into: Set<String>()) { $0.formUnion($1.allowed) }
        for topic in topics where !allowed.contains(topic.name) {
            let guess = closestName(to: topic.name, in: allowed).map { "; did you mean \($0)?" } ?? ""
            findings.append(
                topic.source.finding(
                    rule, at: topic.node, "topic \(topic.name) is in no plan's ## Topics (docs/plans/)\(guess)"))
        }
        let declared = Set(topics.map(\.name))
        let domains = Set(topics.compactMap { $0.name.split(separator: ":").first.map(String.init) })
        for plan in context.topicPlans where plan.built || domains.contains(plan.domain) {
            for topic in plan.required where !declared.contains(topic.value) {
                findings.append(
                    RawFinding(
                        rule: rule, path: topic.position.document, line: topic.position.line,
                        column: topic.position.column,
                        message:
                            "the plan's topic \(topic.value) has no Topic in the code: build \(plan.feature) again, or declare it",
                        declaration: "\(plan.feature).\(topic.value)"))
            }
        }
        return findings
    }
}
