import Foundation
import SwiftParser
import SwiftSyntax
import SwitchyardModel

/// Writes a logic file's functions with a language model: the plan states them in prose, the
/// generator renders them as `Placeholder.unimplemented` calls, and the model is asked to
/// replace each call with code that does what its plan line says.
///
/// A reply is used only if it parses, keeps every declaration and import of the placeholder
/// file, and passes ``validate`` (the `switchyard check` rules); otherwise the placeholder file
/// is written and the reason reported. Never silently done: whatever the model leaves as a
/// placeholder stays a `Placeholder.unimplemented` call that `switchyard check` lists.
public struct LogicWriter: Sendable {
    public var model: any LanguageModel
    /// How long one file may take.
    public var timeout: Duration
    /// The most tokens a reply may hold.
    public var maxTokens: Int
    /// Problems of a candidate file beyond syntax; empty: accepted. By default the errors
    /// `switchyard check` finds in it, checked with the feature's wiring (``checkRules(_:)``).
    public var validate: Validation

    /// Given the candidate's path and text and the feature's files (as the plan renders them).
    public typealias Validation = @Sendable (_ path: String, _ text: String, _ context: [GeneratedFile]) -> [String]

    public init(
        model: any LanguageModel, timeout: Duration = .seconds(120), maxTokens: Int = 4096,
        validate: @escaping Validation = LogicWriter.checkRules(CheckConfiguration())
    ) {
        self.model = model
        self.timeout = timeout
        self.maxTokens = maxTokens
        self.validate = validate
    }

    /// What became of one file.
    public enum Result: Hashable, Sendable {
        /// The model's code, accepted.
        case written(String)
        /// The placeholder file stays; why.
        case placeholder(reason: String)
    }

    /// Asks the model for `file` (a logic file as the generator rendered it), showing it the
    /// feature's generated wiring in `context`.
    public func write(_ file: GeneratedFile, context: [GeneratedFile]) async -> Result {
        let request = Self.request(for: file, context: context, maxTokens: maxTokens)
        let reply: ModelReply
        do {
            let model = self.model
            reply = try await withTimeout(timeout, clock: ContinuousClock()) { try await model.complete(request) }
        } catch let error as TimeoutError {
            return .placeholder(reason: "the model did not answer within \(error.timeout)")
        } catch {
            return .placeholder(reason: "the model call failed (\(Self.describe(error)))")
        }
        if reply.stopReason == "max_tokens" {
            return .placeholder(reason: "the model's reply was cut off at \(maxTokens) tokens")
        }
        let candidate = Self.code(in: reply.text)
        if let problem = Self.problem(with: candidate, replacing: file.contents, path: file.path) {
            return .placeholder(reason: problem)
        }
        let problems = validate(file.path, candidate, context)
        if !problems.isEmpty {
            return .placeholder(
                reason: "the model's code fails switchyard check: " + problems.prefix(3).joined(separator: "; "))
        }
        return .written(candidate)
    }

    /// The `switchyard check` errors in a candidate, checked with the feature's other Swift files
    /// so rules that look across files (an agent's fallback, its one output) see the whole agent.
    public static func checkRules(_ configuration: CheckConfiguration) -> Validation {
        { path, text, context in
            var files: [String: String] = [:]
            for file in context where file.fileClass != .shared && SwiftValidation.isSwift(file.path) {
                files[file.path] = file.contents
            }
            files[path] = text
            return AppChecker(configuration: configuration).check(swiftFiles: files).findings
                .filter { $0.path == path && $0.severity == .error }
                .map { "\($0.rule) \($0.message) (line \($0.line))" }
        }
    }

    // MARK: - The request

    // Prompt text, not code: it tells the model not to start unstructured tasks (`Task {}`).
    static let system = """
        You implement one logic file of a Switchyard app (Swift 6 language mode, strict concurrency). \
        Each function of the file calls `Placeholder.unimplemented(PLAN_LINE, SUMMARY, default: …)`; replace \
        each such call with code that does what its SUMMARY (the plan's prose) says, using only the types the \
        file and the wiring show. Keep every declaration, signature, doc comment and import as given; you may \
        add `import Foundation` and private helpers inside the same type or extension. Do not use `Task {}` \
        or `Task.detached`, blocking calls, `try?` or an empty `catch {}` that hides an error, force \
        unwraps, the network, files, or global mutable state. If a summary cannot be implemented from what \
        you are shown, leave that call unchanged. Reply with the whole file in one ```swift code block and \
        nothing else.
        """

    static func request(for file: GeneratedFile, context: [GeneratedFile], maxTokens: Int) -> ModelRequest {
        var prompt = "The plan lines this file implements:\n"
        for source in file.sources { prompt += "- \(source)\n" }
        let wiring = context.filter { $0.fileClass != .logic && SwiftValidation.isSwift($0.path) }
            .sorted { $0.path < $1.path }
        if !wiring.isEmpty {
            prompt += "\nThe feature's generated wiring (read-only; the types you may use):\n"
            for other in wiring { prompt += "\n\(other.path):\n```swift\n\(other.contents)```\n" }
        }
        prompt += "\nThe file to complete, \(file.path):\n```swift\n\(file.contents)```\n"
        return ModelRequest(
            system: system, messages: [ChatMessage(role: .user, content: prompt)], maxTokens: maxTokens,
            temperature: 0)
    }

    // MARK: - Reading the reply

    /// The first fenced block of `reply` (```swift or ```), else the whole reply; with one
    /// final newline.
    static func code(in reply: String) -> String {
        var lines = reply.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let open = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("```") }) {
            lines = Array(lines[(open + 1)...])
            if let close = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "```" }) {
                lines = Array(lines[..<close])
            }
        }
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why `candidate` cannot replace `placeholder`, or `nil`.
    static func problem(with candidate: String, replacing placeholder: String, path: String) -> String? {
        if let first = SwiftValidation.syntaxProblems(in: candidate, path: path).first {
            return "the model's code does not parse (\(first))"
        }
        let before = Declarations(placeholder)
        let after = Declarations(candidate)
        if let missing = before.functions.subtracting(after.functions).sorted().first {
            return "the model's code drops or changes `\(missing)`"
        }
        if let missing = before.types.subtracting(after.types).sorted().first {
            return "the model's code drops `\(missing)`"
        }
        if let extra = after.imports.subtracting(before.imports).subtracting(["Foundation"]).sorted().first {
            return "the model's code imports \(extra), which the app may not depend on"
        }
        return nil
    }

    /// The signatures a file declares, whitespace-normalized.
    struct Declarations {
        var functions: Set<String> = []
        var types: Set<String> = []
        var imports: Set<String> = []

        init(_ text: String) {
            let tree = Parser.parse(source: text)
            for item in tree.statements {
                if let importDecl = item.item.as(ImportDeclSyntax.self) {
                    imports.insert(importDecl.path.trimmedDescription)
                }
            }
            let visitor = Visitor(viewMode: .sourceAccurate)
            visitor.walk(tree)
            functions = visitor.functions
            types = visitor.types
        }

        final class Visitor: SyntaxVisitor {
            var functions: Set<String> = []
            var types: Set<String> = []

            override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
                // Private helpers the model adds are its own; the placeholder's are not private.
                let isPrivate = node.modifiers.contains { ["private", "fileprivate"].contains($0.name.text) }
                if !isPrivate { functions.insert(normalized(node.name.text + node.signature.trimmedDescription)) }
                return .skipChildren
            }

            override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
                types.insert("extension " + node.extendedType.trimmedDescription)
                return .visitChildren
            }

            override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
                types.insert("enum " + node.name.text)
                return .visitChildren
            }

            override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
                types.insert("struct " + node.name.text)
                return .visitChildren
            }

            private func normalized(_ text: String) -> String {
                text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            }
        }
    }

    /// An error's description: `LLMError`'s own (it never holds the key or the prompt), else
    /// only the error's type, which cannot hold a secret.
    static func describe(_ error: any Error) -> String {
        if let error = error as? LLMError { return error.description }
        return String(describing: type(of: error))
    }
}
