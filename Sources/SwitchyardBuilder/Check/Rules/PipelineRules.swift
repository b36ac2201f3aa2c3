import Foundation
import SwiftSyntax

// The Pipeline checklist: workers track status, middleware and proxies stay thin, errors carry
// context.

enum PipelineRules {
    // MARK: SY-CHECK-009

    static func workerStatus(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.workerStatus
        var findings: [RawFinding] = []
        for declaration in context.facts.declarations
        where declaration.name.hasSuffix("Worker") && declaration.name != "Worker"
            && ![.extensionDecl, .protocolType].contains(declaration.kind)
            && !context.facts.conforms(declaration.name, to: ProjectFacts.workerProtocols)
        {
            guard let source = context.source(at: declaration.path) else { continue }
            findings.append(
                source.finding(
                    rule, at: nameNode(of: declaration.node),
                    "\(declaration.name) is neither a Worker (a durable job: WorkerPool tracks its status and attempts) nor a RequestWorker (ThinProxy bounds it): nothing tracks its status"
                ))
        }
        return findings
    }

    // MARK: SY-CHECK-010

    static let arithmetic: Set<String> = ["+", "-", "*", "/", "%", "+=", "-=", "*=", "/=", "%="]

    static func logicInMiddleware(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.logicInMiddleware
        let middleware = context.facts.types(conformingTo: ProjectFacts.middlewareProtocols)
        var findings: [RawFinding] = []
        for declaration in context.facts.declarations where declaration.kind != .protocolType {
            let name = declaration.name
            let kind: String
            if middleware.contains(name) || name.hasSuffix("Middleware") {
                kind = "middleware"
            } else if name.hasSuffix("Proxy") {
                kind = "proxy"
            } else {
                continue
            }
            guard let source = context.source(at: declaration.path), let members = memberBlock(of: declaration.node)
            else { continue }
            var loops: [Syntax] = []
            loops += members.descendants(ForStmtSyntax.self).map(Syntax.init)
            loops += members.descendants(WhileStmtSyntax.self).map(Syntax.init)
            loops += members.descendants(RepeatStmtSyntax.self).map(Syntax.init)
            for loop in loops.sorted(by: { $0.position < $1.position }) {
                findings.append(
                    source.finding(
                        rule, at: loop,
                        "a loop in the \(kind) \(name): business logic belongs in a worker; a \(kind) only \(kind == "proxy" ? "extracts, forwards, logs usage and returns" : "verifies and enriches the context")"
                    ))
            }
            for function in members.descendants(FunctionDeclSyntax.self) {
                let operators = function.descendants(BinaryOperatorExprSyntax.self).filter { node in
                    guard arithmetic.contains(node.operator.text) else { return false }
                    // `"a" + b` builds text, not a result.
                    return !neighbours(of: node).contains { $0.is(StringLiteralExprSyntax.self) }
                }
                guard operators.count > 2 else { continue }
                findings.append(
                    source.finding(
                        rule, at: operators[2],
                        "\(operators.count) arithmetic operations in the \(kind) \(name).\(function.name.text): computation belongs in a worker"
                    ))
            }
        }
        return findings
    }

    /// The operands beside an operator in its unfolded sequence.
    private static func neighbours(of node: BinaryOperatorExprSyntax) -> [ExprSyntax] {
        guard let list = node.parent?.as(ExprListSyntax.self) else { return [] }
        let elements = Array(list)
        guard let index = elements.firstIndex(where: { $0.id == node.id }) else { return [] }
        return [index - 1, index + 1].filter { elements.indices.contains($0) }.map { elements[$0] }
    }

    // MARK: SY-CHECK-011

    static let errorStatuses: Set<String> = [
        "badRequest", "unauthorized", "paymentRequired", "forbidden", "notFound", "methodNotAllowed",
        "notAcceptable", "requestTimeout", "conflict", "gone", "lengthRequired", "preconditionFailed",
        "contentTooLarge", "unsupportedMediaType", "unprocessableContent", "tooManyRequests", "internalServerError",
        "notImplemented", "badGateway", "serviceUnavailable", "gatewayTimeout",
    ]

    static func errorContext(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.errorContext
        var findings: [RawFinding] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self) {
                let message = call.argument("message")?.expression.as(StringLiteralExprSyntax.self)?.plainText
                switch call.calledTypeName {
                case "HTTPError" where call.arguments.count == 1 && !call.passesClosure:
                    findings.append(
                        source.finding(
                            rule, at: call,
                            "HTTPError without a message: say what was wrong (an APIError from the catalogue gives a code, a message and a hint)"
                        ))
                case "HTTPError", "APIError":
                    if let message, message.trimmingCharacters(in: .whitespaces).isEmpty {
                        findings.append(
                            source.finding(
                                rule, at: call, "an error response with an empty message: say what was wrong"))
                    }
                case "Response" where call.arguments.count == 1:
                    if let status = call.argument("status")?.expression.as(MemberAccessExprSyntax.self),
                        status.base == nil, errorStatuses.contains(status.declName.baseName.text)
                    {
                        findings.append(
                            source.finding(
                                rule, at: call,
                                "a bare \(status.declName.baseName.text) response: throw an APIError (code, message, hint) so the client learns what was wrong"
                            ))
                    }
                default: break
                }
            }
        }
        return findings
    }
}
