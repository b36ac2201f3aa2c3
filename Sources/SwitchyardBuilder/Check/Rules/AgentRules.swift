import SwiftSyntax

// The Multi-Agent checklist's agent rules: one responsibility, a fallback, no direct calls, state
// in the store.

enum AgentRules {
    /// The declarations (nominal and extensions) of the types in `names`, with their files.
    static func declarations(
        of names: Set<String>, in context: CheckContext
    ) -> [(declaration: ProjectFacts.TypeDeclaration, source: ParsedSource)] {
        context.facts.declarations.compactMap { declaration in
            guard names.contains(declaration.name), declaration.kind != .protocolType,
                let source = context.source(at: declaration.path)
            else { return nil }
            return (declaration, source)
        }
    }

    // MARK: SY-CHECK-001

    static let busCalls: Set<String> = ["broadcast", "subscribe", "publish"]
    static let agentMethods: Set<String> = ["observe", "parse", "fallback"]
    static let services: Set<String> = ["PureLogicAgentService", "LLMAgentService"]

    static func oneResponsibility(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.oneResponsibility
        var findings: [RawFinding] = []
        var cases: [String: [(name: String, expression: ExprSyntax, source: ParsedSource)]] = [:]
        for (declaration, source) in declarations(of: context.facts.agentTypes, in: context) {
            let agent = declaration.name
            guard let members = memberBlock(of: declaration.node) else { continue }
            for member in members.members {
                guard let variable = member.decl.as(VariableDeclSyntax.self), !variable.isStatic,
                    let type = variable.declaredTypeText, simpleTypeName(type) == "PubSub"
                else { continue }
                findings.append(
                    source.finding(
                        rule, at: variable,
                        "agent \(agent) holds the PubSub: the runtime subscribes it to its one trigger and publishes its one observation; it never talks to the bus itself"
                    ))
            }
            for call in members.descendants(FunctionCallExprSyntax.self) {
                guard call.calledBase != nil, let name = call.calledName, busCalls.contains(name) else { continue }
                findings.append(
                    source.finding(
                        rule, at: call,
                        "agent \(agent) calls `\(name)` on the bus itself: its runtime service subscribes and publishes for it, once per trigger"
                    ))
            }
            for member in members.members {
                guard let function = member.decl.as(FunctionDeclSyntax.self),
                    agentMethods.contains(function.name.text)
                else { continue }
                for expression in returnedExpressions(of: function) {
                    guard let name = expression.implicitMemberName, name != "init" else { continue }
                    cases[agent, default: []].append((name, expression, source))
                }
            }
        }
        for (agent, returned) in cases {
            guard let first = returned.first?.name else { continue }
            var reported: Set<String> = [first]
            for item in returned where !reported.contains(item.name) {
                reported.insert(item.name)
                findings.append(
                    item.source.finding(
                        rule, at: item.expression,
                        "agent \(agent) answers with .\(item.name) as well as .\(first): one agent, one output; split it into two agents"
                    ))
            }
        }
        findings += triggers(context, rule)
        return findings
    }

    /// The same agent type started by two runtime services on different triggers.
    private static func triggers(_ context: CheckContext, _ rule: CheckRule) -> [RawFinding] {
        var first: [String: String] = [:]
        var findings: [RawFinding] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self) {
                guard let service = call.calledTypeName, services.contains(service),
                    let agentCall = call.unlabeledArguments.first?.expression.as(FunctionCallExprSyntax.self),
                    let agent = agentCall.calledTypeName, let trigger = call.argument("trigger")?.expression
                else { continue }
                let text = trigger.trimmedDescription
                guard let earlier = first[agent] else {
                    first[agent] = text
                    continue
                }
                if earlier != text {
                    findings.append(
                        source.finding(
                            rule, at: call,
                            "agent \(agent) is started on a second trigger (\(text), besides \(earlier)): one agent, one trigger"
                        ))
                }
            }
        }
        return findings
    }

    // MARK: SY-CHECK-002

    static let traps: Set<String> = ["fatalError", "preconditionFailure"]

    static func llmFallback(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.llmFallback
        var findings: [RawFinding] = []
        let kinds: [(types: Set<String>, method: String, what: String)] = [
            (context.facts.types(conformingTo: ["LLMAgent"]), "fallback(for:reason:)", "LLM agent"),
            (context.facts.coordinatorTypes, "fallbackDecision(for:)", "coordinator logic"),
        ]
        for kind in kinds {
            for type in kind.types.sorted() {
                let found = declarations(of: [type], in: context)
                if !context.facts.methods[type, default: []].contains(kind.method) {
                    // At the type's declaration, else (declared in another module) its first extension.
                    guard
                        let (declaration, source) = found.first(where: { $0.declaration.kind != .extensionDecl })
                            ?? found.first
                    else { continue }
                    findings.append(
                        source.finding(
                            rule, at: nameNode(of: declaration.node),
                            "\(kind.what) \(type) has no \(kind.method) of its own: when the model is missing, slow or wrong, the fallback answers"
                        ))
                    continue
                }
                for (declaration, source) in found {
                    guard let members = memberBlock(of: declaration.node) else { continue }
                    for member in members.members {
                        guard let function = member.decl.as(FunctionDeclSyntax.self),
                            signature(of: function) == kind.method
                        else { continue }
                        for call in function.descendants(FunctionCallExprSyntax.self) {
                            guard call.calledBase == nil, let name = call.calledName, traps.contains(name) else {
                                continue
                            }
                            findings.append(
                                source.finding(
                                    rule, at: call,
                                    "the fallback of \(type) calls \(name): a model outage would crash the app; answer by rules instead"
                                ))
                        }
                    }
                }
            }
        }
        return findings
    }

    // MARK: SY-CHECK-007

    static func agentsCallAgents(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.agentsCallAgents
        let agents = context.facts.agentTypes
        let coordinators = context.facts.coordinatorTypes
        var findings: [RawFinding] = []
        for (declaration, source) in declarations(of: agents.union(coordinators), in: context) {
            let owner = declaration.name
            let others = (coordinators.contains(owner) ? agents : agents.union(coordinators)).subtracting([owner])
            guard !others.isEmpty, let members = memberBlock(of: declaration.node) else { continue }
            var lines: Set<Int> = []
            var references: [(name: String, node: Syntax)] = []
            for reference in members.descendants(DeclReferenceExprSyntax.self)
            where others.contains(reference.baseName.text) {
                references.append((reference.baseName.text, Syntax(reference)))
            }
            for type in members.descendants(IdentifierTypeSyntax.self) where others.contains(type.name.text) {
                references.append((type.name.text, Syntax(type)))
            }
            for (name, node) in references.sorted(by: { $0.node.position < $1.node.position }) {
                guard lines.insert(source.location(of: node).line).inserted else { continue }
                let what = coordinators.contains(name) ? "the coordinator" : "agent"
                findings.append(
                    source.finding(
                        rule, at: node,
                        "\(owner) refers to \(what) \(name) directly: agents talk only through the bus, and the coordinator combines their observations"
                    ))
            }
        }
        return findings
    }

    // MARK: SY-CHECK-008

    static let sharedStateTypes: Set<String> = [
        "Mutex", "Atomic", "ManagedAtomic", "NIOLockedValueBox", "OSAllocatedUnfairLock", "NSLock",
    ]

    static func stateOutsideStore(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.stateOutsideStore
        var findings: [RawFinding] = []
        let agents = context.facts.agentTypes
        let stateTypes = context.facts.stateTypes
        for (declaration, source) in declarations(of: agents.union(context.facts.coordinatorTypes), in: context) {
            let owner = declaration.name
            let isReference = declaration.kind == .classType || declaration.kind == .actor
            guard let members = memberBlock(of: declaration.node) else { continue }
            for member in members.members {
                guard let variable = member.decl.as(VariableDeclSyntax.self), !variable.isStatic, variable.isStored
                else { continue }
                let type = variable.declaredTypeText.map(simpleTypeName)
                let message: String?
                if type == "StateStore" {
                    message =
                        "\(owner) holds the StateStore: an agent reads the state from its trigger and changes it only through the coordinator's directives"
                } else if let type, stateTypes.contains(type) {
                    message =
                        "\(owner) keeps its own copy of the central state (\(type)): the StateStore is its one owner"
                } else if let type, sharedStateTypes.contains(type) {
                    message =
                        "\(owner) keeps shared mutable state (\(type)): state lives in the StateStore"
                } else if isReference, variable.isVar {
                    message =
                        "\(owner) is a reference type with a stored var: state shared by reference; keep it in the StateStore"
                } else {
                    message = nil
                }
                if let message { findings.append(source.finding(rule, at: variable, message)) }
            }
        }
        for source in context.sources where !source.path.hasSuffix("/main.swift") && source.path != "main.swift" {
            for variable in source.tree.descendants(VariableDeclSyntax.self) where variable.isVar && variable.isStored {
                let global =
                    variable.parent?.is(CodeBlockItemSyntax.self) == true
                    && variable.parent?.parent?.parent?.is(SourceFileSyntax.self) == true
                // ArgumentParser's `static var configuration` is the command's description, not state.
                let isStaticMember =
                    variable.isStatic && variable.parent?.is(MemberBlockItemSyntax.self) == true
                    && !(variable.enclosingTypeName.map {
                        context.facts.conforms($0, to: ["ParsableCommand", "AsyncParsableCommand"])
                    } ?? false)
                guard global || isStaticMember else { continue }
                let name = variable.bindings.first?.pattern.trimmedDescription ?? "it"
                findings.append(
                    source.finding(
                        rule, at: variable,
                        "\(global ? "global" : "static") var \(name) is mutable state nobody owns: keep it in the StateStore (or make it a let)"
                    ))
            }
        }
        return findings
    }
}
