import SwiftSyntax

/// Collects every node of one kind under a node, in source order.
private final class DescendantCollector<Node: SyntaxProtocol>: SyntaxAnyVisitor {
    var found: [Node] = []

    init() { super.init(viewMode: .sourceAccurate) }

    override func visitAny(_ node: Syntax) -> SyntaxVisitorContinueKind {
        if let match = node.as(Node.self) { found.append(match) }
        return .visitChildren
    }
}

extension SyntaxProtocol {
    /// Every `Node` under this node (itself included), in source order.
    func descendants<Node: SyntaxProtocol>(_ type: Node.Type) -> [Node] {
        let collector = DescendantCollector<Node>()
        collector.walk(self)
        return collector.found
    }

    /// The nearest ancestor of kind `Node`.
    func ancestor<Node: SyntaxProtocol>(_ type: Node.Type) -> Node? {
        var current = parent
        while let node = current {
            if let match = node.as(Node.self) { return match }
            current = node.parent
        }
        return nil
    }

    /// The name of the type declaration or extension this node is in, if any.
    var enclosingTypeName: String? {
        var current = parent
        while let node = current {
            if let decl = node.as(StructDeclSyntax.self) { return decl.name.text }
            if let decl = node.as(ClassDeclSyntax.self) { return decl.name.text }
            if let decl = node.as(EnumDeclSyntax.self) { return decl.name.text }
            if let decl = node.as(ActorDeclSyntax.self) { return decl.name.text }
            if let decl = node.as(ExtensionDeclSyntax.self) {
                return simpleTypeName(decl.extendedType.trimmedDescription)
            }
            current = node.parent
        }
        return nil
    }
}

extension FunctionCallExprSyntax {
    // Names calls only (no task is started here): `Task {}` below is the syntax it recognises.
    /// The called name: `Task` for `Task {}` and `Task<Void, Never> {}`, `detached` for
    /// `Task.detached {}`, `service` for `.service(...)`.
    var calledName: String? {
        var callee = calledExpression
        if let generic = callee.as(GenericSpecializationExprSyntax.self) { callee = generic.expression }
        if let reference = callee.as(DeclReferenceExprSyntax.self) { return reference.baseName.text }
        if let member = callee.as(MemberAccessExprSyntax.self) { return member.declName.baseName.text }
        return nil
    }

    /// The base of a member call as written (`Task` for `Task.detached {}`), if any.
    var calledBase: String? {
        calledExpression.as(MemberAccessExprSyntax.self)?.base?.trimmedDescription
    }

    /// `Topic` for both `Topic("x")` and `Topic<Tick>("x")`; `nil` for member calls.
    var calledTypeName: String? {
        var callee = calledExpression
        if let generic = callee.as(GenericSpecializationExprSyntax.self) { callee = generic.expression }
        if let member = callee.as(MemberAccessExprSyntax.self), member.declName.baseName.text == "init",
            let base = member.base
        {
            callee = base
        }
        if let generic = callee.as(GenericSpecializationExprSyntax.self) { callee = generic.expression }
        return callee.as(DeclReferenceExprSyntax.self)?.baseName.text
    }

    /// The argument labelled `label`.
    func argument(_ label: String) -> LabeledExprSyntax? {
        arguments.first { $0.label?.text == label }
    }

    /// The unlabelled arguments, in order.
    var unlabeledArguments: [LabeledExprSyntax] {
        arguments.filter { $0.label == nil }
    }

    /// Whether a closure is passed (trailing or as an argument).
    var passesClosure: Bool {
        trailingClosure != nil || arguments.contains { $0.expression.is(ClosureExprSyntax.self) }
    }

    /// Whether the call is awaited (`await x.f()`, `try await x.f()`, `await g(x.f())`).
    var isAwaited: Bool {
        var current = parent
        while let node = current {
            if node.is(AwaitExprSyntax.self) { return true }
            if node.is(CodeBlockItemSyntax.self) || node.is(ClosureExprSyntax.self)
                || node.is(MemberBlockItemSyntax.self)
            {
                return false
            }
            current = node.parent
        }
        return false
    }
}

extension ExprSyntax {
    /// The expression without `try`, `await` and parentheses around it.
    var unwrapped: ExprSyntax {
        if let node = self.as(TryExprSyntax.self) { return node.expression.unwrapped }
        if let node = self.as(AwaitExprSyntax.self) { return node.expression.unwrapped }
        if let node = self.as(TupleExprSyntax.self), node.elements.count == 1, let only = node.elements.first,
            only.label == nil
        {
            return only.expression.unwrapped
        }
        return self
    }

    /// `.restock` for `.restock(order)` and `.idle`: the case of an implicit member expression.
    var implicitMemberName: String? {
        let expression = unwrapped
        if let call = expression.as(FunctionCallExprSyntax.self),
            let member = call.calledExpression.as(MemberAccessExprSyntax.self), member.base == nil
        {
            return member.declName.baseName.text
        }
        if let member = expression.as(MemberAccessExprSyntax.self), member.base == nil {
            return member.declName.baseName.text
        }
        return nil
    }
}

extension StringLiteralExprSyntax {
    /// The literal's text when it has no interpolation.
    var plainText: String? {
        var text = ""
        for segment in segments {
            guard let plain = segment.as(StringSegmentSyntax.self) else { return nil }
            text += plain.content.text
        }
        return text
    }

    /// The literal's text with each interpolation replaced by `replacement`.
    func text(replacingInterpolationsWith replacement: String) -> String {
        segments.map { segment in
            segment.as(StringSegmentSyntax.self)?.content.text ?? replacement
        }.joined()
    }
}

extension VariableDeclSyntax {
    var isVar: Bool { bindingSpecifier.tokenKind == .keyword(.var) }
    var isStatic: Bool {
        modifiers.contains { $0.name.tokenKind == .keyword(.static) || $0.name.tokenKind == .keyword(.class) }
    }

    /// Whether every binding stores a value (no getter; `willSet`/`didSet` still store).
    var isStored: Bool {
        bindings.allSatisfy { binding in
            guard let accessors = binding.accessorBlock?.accessors else { return true }
            switch accessors {
            case .getter: return false
            case .accessors(let list):
                return list.allSatisfy {
                    [.keyword(.willSet), .keyword(.didSet)].contains($0.accessorSpecifier.tokenKind)
                }
            }
        }
    }

    /// The written type of the first binding, or the called type of its initial value.
    var declaredTypeText: String? {
        guard let binding = bindings.first else { return nil }
        if let type = binding.typeAnnotation?.type { return type.trimmedDescription }
        if let call = binding.initializer?.value.as(FunctionCallExprSyntax.self), let name = call.calledTypeName {
            return name
        }
        return nil
    }
}

/// The members of a type declaration or extension.
func memberBlock(of node: Syntax) -> MemberBlockSyntax? {
    if let decl = node.as(StructDeclSyntax.self) { return decl.memberBlock }
    if let decl = node.as(ClassDeclSyntax.self) { return decl.memberBlock }
    if let decl = node.as(EnumDeclSyntax.self) { return decl.memberBlock }
    if let decl = node.as(ActorDeclSyntax.self) { return decl.memberBlock }
    if let decl = node.as(ExtensionDeclSyntax.self) { return decl.memberBlock }
    return nil
}

/// The name token of a nominal declaration, else the node.
func nameNode(of node: Syntax) -> Syntax {
    if let decl = node.as(StructDeclSyntax.self) { return Syntax(decl.name) }
    if let decl = node.as(ClassDeclSyntax.self) { return Syntax(decl.name) }
    if let decl = node.as(EnumDeclSyntax.self) { return Syntax(decl.name) }
    if let decl = node.as(ActorDeclSyntax.self) { return Syntax(decl.name) }
    return node
}

/// The expressions a function returns: each `return`'s value (not those of closures or nested
/// functions), and a single-expression body's expression, looking into `if` and `switch`
/// expressions.
func returnedExpressions(of function: FunctionDeclSyntax) -> [ExprSyntax] {
    guard let body = function.body else { return [] }
    var results: [ExprSyntax] = []
    for statement in body.descendants(ReturnStmtSyntax.self) {
        guard let value = statement.expression else { continue }
        var owner = statement.parent
        while let node = owner, !node.is(FunctionDeclSyntax.self), !node.is(ClosureExprSyntax.self) {
            owner = node.parent
        }
        if owner?.as(FunctionDeclSyntax.self)?.id == function.id { results.append(value) }
    }
    if body.statements.count == 1, let only = body.statements.first, case .expr(let expression) = only.item {
        results += branchValues(expression)
    }
    return results
}

/// The values an expression can produce: the branches of an `if` or `switch` expression.
private func branchValues(_ expression: ExprSyntax) -> [ExprSyntax] {
    func last(_ statements: CodeBlockItemListSyntax) -> [ExprSyntax] {
        guard let item = statements.last, case .expr(let value) = item.item else { return [] }
        return branchValues(value)
    }
    if let node = expression.as(IfExprSyntax.self) {
        var values = last(node.body.statements)
        switch node.elseBody {
        case .codeBlock(let block): values += last(block.statements)
        case .ifExpr(let next): values += branchValues(ExprSyntax(next))
        case nil: break
        }
        return values
    }
    if let node = expression.as(SwitchExprSyntax.self) {
        return node.cases.flatMap { element -> [ExprSyntax] in
            guard case .switchCase(let switchCase) = element else { return [] }
            return last(switchCase.statements)
        }
    }
    return [expression]
}
