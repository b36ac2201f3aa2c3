import SwiftSyntax

// Silent degradation: empty catches and thrown-away `try?`.

enum ErrorRules {
    // MARK: SY-CHECK-012

    static func silentCatch(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.silentCatch
        var findings: [RawFinding] = []
        for source in context.sources {
            for clause in source.tree.descendants(CatchClauseSyntax.self) where clause.body.statements.isEmpty {
                findings.append(
                    source.finding(
                        rule, at: clause.catchKeyword,
                        "an empty catch swallows the error: log it with context, rethrow it, or fall back in code that says so"
                    ))
            }
        }
        return findings
    }

    // MARK: SY-CHECK-013

    /// Calls whose `try?` is idiomatic: sleeping fails only when cancelled, and so does waiting for
    /// graceful shutdown.
    static let exempt: Set<String> = ["sleep", "gracefulShutdown"]

    static func discardedTry(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.discardedTry
        var findings: [RawFinding] = []
        for source in context.sources {
            for node in source.tree.descendants(TryExprSyntax.self)
            where node.questionOrExclamationMark?.tokenKind == .postfixQuestionMark {
                guard isDiscarded(node), node.ancestor(DeferStmtSyntax.self) == nil else { continue }
                if let call = node.expression.unwrapped.as(FunctionCallExprSyntax.self), let name = call.calledName,
                    exempt.contains(name)
                {
                    continue
                }
                findings.append(
                    source.finding(
                        rule, at: node,
                        "`try?` throws the error away unseen: use `try`, or catch it and log it with context"))
            }
        }
        return findings
    }

    /// A statement of its own, or assigned to `_`.
    private static func isDiscarded(_ node: TryExprSyntax) -> Bool {
        guard let parent = node.parent else { return false }
        if parent.is(CodeBlockItemSyntax.self) { return true }
        if let list = parent.as(ExprListSyntax.self), list.parent?.is(SequenceExprSyntax.self) == true {
            let elements = Array(list)
            return elements.count == 3 && elements[0].is(DiscardAssignmentExprSyntax.self)
                && elements[1].is(AssignmentExprSyntax.self) && elements[2].id == node.id
        }
        return false
    }
}
