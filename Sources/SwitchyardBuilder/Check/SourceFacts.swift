import Foundation
import SwiftParser
import SwiftSyntax

/// A Swift file of the app, parsed once.
struct ParsedSource {
    /// Relative to the app's root.
    var path: String
    var text: String
    var tree: SourceFileSyntax
    var converter: SourceLocationConverter
    var lines: [Substring]

    init(path: String, text: String) {
        self.path = path
        self.text = text
        tree = Parser.parse(source: text)
        converter = SourceLocationConverter(fileName: path, tree: tree)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based line and column (in Unicode code points, as SARIF's `columnKind` says) where
    /// `node` starts, after its leading trivia.
    func location(of node: some SyntaxProtocol) -> (line: Int, column: Int) {
        location(at: node.positionAfterSkippingLeadingTrivia)
    }

    /// The 1-based line and column (in code points) of `position`.
    func location(at position: AbsolutePosition) -> (line: Int, column: Int) {
        let location = converter.location(for: position)
        guard location.line >= 1, location.line <= lines.count else { return (location.line, location.column) }
        let prefix = lines[location.line - 1].utf8.prefix(max(0, location.column - 1))
        return (location.line, String(decoding: prefix, as: UTF8.self).unicodeScalars.count + 1)
    }

    /// A finding of `rule` at `node`, named by its enclosing declarations.
    func finding(_ rule: CheckRule, at node: some SyntaxProtocol, _ message: String) -> RawFinding {
        let (line, column) = location(of: node)
        return RawFinding(
            rule: rule, path: path, line: line, column: column, message: message,
            declaration: declarationPath(of: Syntax(node)))
    }

    /// `KitchenApp.supervisor`: the names of the declarations around `node`, outermost first; the
    /// file's name at top level.
    func declarationPath(of node: Syntax) -> String {
        var names: [String] = []
        var current: Syntax? = node
        while let syntax = current {
            if let name = declarationName(syntax) { names.append(name) }
            current = syntax.parent
        }
        let file = (path as NSString).lastPathComponent
        return names.isEmpty ? file : names.reversed().joined(separator: ".")
    }
}

/// The name a declaration contributes to a finding's identity, if `node` is one.
func declarationName(_ node: Syntax) -> String? {
    if let decl = node.as(StructDeclSyntax.self) { return decl.name.text }
    if let decl = node.as(ClassDeclSyntax.self) { return decl.name.text }
    if let decl = node.as(EnumDeclSyntax.self) { return decl.name.text }
    if let decl = node.as(ActorDeclSyntax.self) { return decl.name.text }
    if let decl = node.as(ProtocolDeclSyntax.self) { return decl.name.text }
    if let decl = node.as(ExtensionDeclSyntax.self) { return simpleTypeName(decl.extendedType.trimmedDescription) }
    if let decl = node.as(FunctionDeclSyntax.self) { return decl.name.text }
    if let decl = node.as(InitializerDeclSyntax.self) { return decl.initKeyword.text }
    if let decl = node.as(VariableDeclSyntax.self) {
        return decl.bindings.first.map { $0.pattern.trimmedDescription }
    }
    return nil
}

/// A finding before suppressions and `[check]` severities apply.
struct RawFinding: Hashable {
    var rule: CheckRule
    var path: String
    var line: Int
    var column: Int
    var message: String
    var declaration: String
    /// Said for information only (what was not checked, and why): always a note.
    var informational = false
}

/// What the whole app declares, gathered before any rule runs: which types conform to what
/// (across extensions and files), which methods each has, and which types are central state.
struct ProjectFacts {
    struct TypeDeclaration {
        enum Kind { case structure, classType, enumeration, actor, protocolType, extensionDecl }
        var name: String
        var kind: Kind
        var path: String
        var node: Syntax
        var conformances: [String]
    }

    var declarations: [TypeDeclaration] = []
    var conformances: [String: Set<String>] = [:]
    /// `fallback(for:reason:)`, by type, across the type's declaration and extensions.
    var methods: [String: Set<String>] = [:]
    /// The `X` of every `StateStore<X>` the app names: its central state types.
    var stateTypes: Set<String> = []

    static let agentProtocols: Set<String> = ["PureLogicAgent", "LLMAgent"]
    static let coordinatorProtocols: Set<String> = ["CoordinatorLogic"]
    static let workerProtocols: Set<String> = ["Worker", "RequestWorker"]
    static let middlewareProtocols: Set<String> = ["RouterMiddleware", "MiddlewareProtocol"]

    func conforms(_ type: String, to protocols: Set<String>) -> Bool {
        !conformances[type, default: []].isDisjoint(with: protocols)
    }

    /// Names of the agent types (pure-logic and LLM).
    var agentTypes: Set<String> { types(conformingTo: Self.agentProtocols) }
    var coordinatorTypes: Set<String> { types(conformingTo: Self.coordinatorProtocols) }

    func types(conformingTo protocols: Set<String>) -> Set<String> {
        Set(conformances.filter { !$0.value.isDisjoint(with: protocols) }.keys)
    }

    /// The declarations (nominal and extensions) of `type`.
    func declarations(of type: String) -> [TypeDeclaration] {
        declarations.filter { $0.name == type }
    }

    init(_ sources: [ParsedSource]) {
        for source in sources {
            let collector = FactCollector()
            collector.walk(source.tree)
            declarations += collector.declarations.map { declaration in
                var declaration = declaration
                declaration.path = source.path
                return declaration
            }
            for (type, methods) in collector.methods { self.methods[type, default: []].formUnion(methods) }
            stateTypes.formUnion(collector.stateTypes)
        }
        for declaration in declarations where declaration.kind != .protocolType {
            conformances[declaration.name, default: []].formUnion(declaration.conformances)
        }
    }
}

/// `SwitchyardAgents.LLMAgent` → `LLMAgent`; `KitchenApp<C>` → `KitchenApp`.
func simpleTypeName(_ text: String) -> String {
    let base = text.prefix { $0 != "<" }.trimmingCharacters(in: .whitespaces)
    return base.split(separator: ".").last.map(String.init) ?? base
}

/// The name and argument labels of a function: `fallback(for:reason:)`.
func signature(of function: FunctionDeclSyntax) -> String {
    let labels = function.signature.parameterClause.parameters.map { "\($0.firstName.text):" }.joined()
    return "\(function.name.text)(\(labels))"
}

private final class FactCollector: SyntaxVisitor {
    var declarations: [ProjectFacts.TypeDeclaration] = []
    var methods: [String: Set<String>] = [:]
    var stateTypes: Set<String> = []
    var typeStack: [String] = []

    init() {
        super.init(viewMode: .sourceAccurate)
    }

    private func enter(
        _ name: String, _ kind: ProjectFacts.TypeDeclaration.Kind, inherited: InheritanceClauseSyntax?,
        at node: some SyntaxProtocol
    ) {
        let conformances = inherited?.inheritedTypes.map { simpleTypeName($0.type.trimmedDescription) } ?? []
        declarations.append(
            .init(name: name, kind: kind, path: "", node: Syntax(node), conformances: conformances))
        typeStack.append(name)
    }

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        enter(node.name.text, .structure, inherited: node.inheritanceClause, at: node)
        return .visitChildren
    }
    override func visitPost(_ node: StructDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
        enter(node.name.text, .classType, inherited: node.inheritanceClause, at: node)
        return .visitChildren
    }
    override func visitPost(_ node: ClassDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        enter(node.name.text, .enumeration, inherited: node.inheritanceClause, at: node)
        return .visitChildren
    }
    override func visitPost(_ node: EnumDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
        enter(node.name.text, .actor, inherited: node.inheritanceClause, at: node)
        return .visitChildren
    }
    override func visitPost(_ node: ActorDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind {
        enter(node.name.text, .protocolType, inherited: node.inheritanceClause, at: node)
        return .visitChildren
    }
    override func visitPost(_ node: ProtocolDeclSyntax) { typeStack.removeLast() }
    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        enter(
            simpleTypeName(node.extendedType.trimmedDescription), .extensionDecl, inherited: node.inheritanceClause,
            at: node)
        return .visitChildren
    }
    override func visitPost(_ node: ExtensionDeclSyntax) { typeStack.removeLast() }

    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
        if let type = typeStack.last { methods[type, default: []].insert(signature(of: node)) }
        return .visitChildren
    }

    override func visit(_ node: IdentifierTypeSyntax) -> SyntaxVisitorContinueKind {
        if node.name.text == "StateStore", let argument = node.genericArgumentClause?.arguments.first {
            stateTypes.insert(simpleTypeName(argument.argument.trimmedDescription))
        }
        return .visitChildren
    }
}
