import Foundation

extension LanguageModel {
    /// Asks for JSON and decodes the reply into `T`.
    ///
    /// The system prompt gains an instruction to answer with JSON only; the first JSON
    /// object or array in the reply is decoded (models often wrap it in a code fence).
    /// - Throws: ``LLMError`` of kind ``LLMError/Kind/unparsableOutput`` when the reply is
    ///   not that JSON — a class of its own, which an agent turns into its fallback — or
    ///   whatever the call threw.
    public func completeJSON<T: Decodable>(_ request: ModelRequest, as type: T.Type = T.self) async throws -> T {
        var request = request
        let instruction = "Answer with a single JSON value and nothing else."
        request.system = request.system.map { "\($0)\n\n\(instruction)" } ?? instruction
        let reply = try await complete(request)
        guard let json = firstJSONValue(in: reply.text) else {
            throw LLMError(.unparsableOutput, provider: name, message: "the reply holds no JSON")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw LLMError(.unparsableOutput, provider: name, message: "the reply's JSON is not a \(T.self): \(error)")
        }
    }
}

/// The first balanced JSON object or array in `text`, if any (brackets inside strings are
/// skipped).
public func firstJSONValue(in text: String) -> Substring? {
    guard let start = text.firstIndex(where: { $0 == "{" || $0 == "[" }) else { return nil }
    var depth = 0
    var inString = false
    var escaped = false
    var index = start
    while index < text.endIndex {
        let character = text[index]
        if inString {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inString = false
            }
        } else {
            switch character {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]":
                depth -= 1
                if depth == 0 { return text[start...index] }
            default: break
            }
        }
        index = text.index(after: index)
    }
    return nil
}
