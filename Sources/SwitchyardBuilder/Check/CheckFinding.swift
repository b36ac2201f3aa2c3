/// One problem `switchyard check` found: a rule, where, and what.
public struct CheckFinding: Hashable, Sendable, Comparable {
    public var rule: String
    public var severity: CheckRule.Severity
    /// Relative to the app's root.
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String
    /// The enclosing declarations (`KitchenApp.supervisor`), or the file's name at top level:
    /// with the rule, the path and the message, the finding's identity across edits that move it.
    public var declaration: String

    public init(
        rule: String, severity: CheckRule.Severity, path: String, line: Int, column: Int, message: String,
        declaration: String
    ) {
        self.rule = rule
        self.severity = severity
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.declaration = declaration
    }

    public var position: SourcePosition { SourcePosition(document: path, line: line, column: column) }

    /// Stable when lines move: the rule, the file, the enclosing declaration and the message.
    public var identity: String { "\(rule)|\(path)|\(declaration)|\(message)" }

    public static func < (lhs: CheckFinding, rhs: CheckFinding) -> Bool {
        (lhs.path, lhs.line, lhs.column, lhs.rule, lhs.message) < (
            rhs.path, rhs.line, rhs.column, rhs.rule, rhs.message
        )
    }
}
