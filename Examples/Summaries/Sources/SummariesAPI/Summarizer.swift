import Foundation
import Logging
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline

/// `POST /api/summaries` body.
public struct SummaryRequest: Codable, Sendable, Hashable {
    public var text: String
    /// Sentences to keep. Default 3.
    public var sentences: Int?

    public init(text: String, sentences: Int? = nil) {
        self.text = text
        self.sentences = sentences
    }
}

/// A finished summary.
public struct Summary: Codable, Sendable, Hashable {
    public var summary: String
    /// `model` when a language model wrote it, `extractive` for the rule-based fallback.
    public var method: String

    public init(summary: String, method: String) {
        self.summary = summary
        self.method = method
    }
}

/// The durable `summarize` worker: a language model when one is configured, else (and
/// whenever the model fails, or has not answered within ``modelTimeout``) an extractive
/// summary — the sentences richest in the text's most frequent words, in their original order.
public struct SummarizeWorker: Worker {
    public let queue = "summarize"
    let model: (any LanguageModel)?
    /// How long a model call may take before the extractive summary is used instead.
    public let modelTimeout: Duration
    /// Runs a model call under ``modelTimeout`` on the injected clock.
    private let bounded: @Sendable (@escaping @Sendable () async throws -> ModelReply) async throws -> ModelReply
    let logger: Logger

    /// - Parameters:
    ///   - modelTimeout: the bound on each model call. Default 30 s
    ///     (`[workers] model_timeout_seconds`).
    ///   - clock: measures `modelTimeout`. Default the continuous clock.
    public init<C: Clock>(
        model: (any LanguageModel)?, modelTimeout: Duration = .seconds(30), clock: C = ContinuousClock(), logger: Logger
    ) where C.Duration == Duration {
        self.model = model
        self.modelTimeout = modelTimeout
        self.bounded = { call in try await withTimeout(modelTimeout, clock: clock, operation: call) }
        self.logger = logger
    }

    public func process(_ request: SummaryRequest, job: Job) async throws -> Summary {
        let count = min(max(request.sentences ?? 3, 1), 20)
        if let model {
            let prompt = ModelRequest.user(
                "Summarize the following text in at most \(count) sentences. Reply with the summary only.\n\n\(request.text)",
                maxTokens: 400)
            do {
                let reply = try await bounded { try await model.complete(prompt) }
                let text = reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !text.isEmpty { return Summary(summary: text, method: "model") }
            } catch {
                logger.notice(
                    "model failed; using the extractive summary",
                    metadata: safeMetadata(of: error).merging(["job.id": "\(job.id)"]) { $1 })
            }
        }
        return Summary(summary: Self.extractive(request.text, sentences: count), method: "extractive")
    }

    /// The `count` sentences with the highest mean word frequency, in text order.
    public static func extractive(_ text: String, sentences count: Int) -> String {
        let sentences = splitSentences(text)
        guard sentences.count > count else { return sentences.joined(separator: " ") }
        var frequency: [String: Int] = [:]
        let words = sentences.map(Self.words)
        for list in words { for word in list { frequency[word, default: 0] += 1 } }
        let scored = words.enumerated().map { index, list -> (Int, Double) in
            let score =
                list.isEmpty ? 0 : Double(list.reduce(0) { $0 + frequency[$1, default: 0] }) / Double(list.count)
            return (index, score)
        }
        let chosen = scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(count).map(\.0).sorted()
        return chosen.map { sentences[$0] }.joined(separator: " ")
    }

    static func splitSentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if ".!?".contains(character) {
                let sentence = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !sentence.isEmpty { sentences.append(sentence) }
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
    }

    static func words(_ sentence: String) -> [String] {
        sentence.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter {
            $0.count > 2 && !stopWords.contains($0)
        }
    }

    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out",
        "has", "his", "how", "its", "may", "new", "now", "see", "who", "did", "get", "let", "she", "too", "use", "that",
        "with", "have", "this", "will", "your", "from", "they", "been", "were", "said", "each", "which", "their",
        "there",
        "than", "then", "them", "these", "some", "would", "other", "into", "more", "also", "what", "when", "where",
    ]
}

/// `POST /api/keywords` body (a `pro` feature).
public struct KeywordsRequest: Codable, Sendable, Hashable {
    public var text: String
    /// Keywords to return. Default 5.
    public var count: Int?
}

public struct Keywords: Codable, Sendable, Hashable {
    public var keywords: [String]
}

/// The in-process `keywords` worker: the most frequent content words. Fast enough to
/// answer within the request.
public struct KeywordsWorker: RequestWorker {
    public let name = "keywords"

    public init() {}

    public func handle(_ input: KeywordsRequest) async throws -> Keywords {
        var frequency: [String: Int] = [:]
        var firstSeen: [String: Int] = [:]
        for (index, word) in SummarizeWorker.words(input.text).enumerated() {
            frequency[word, default: 0] += 1
            if firstSeen[word] == nil { firstSeen[word] = index }
        }
        let count = min(max(input.count ?? 5, 1), 50)
        let ranked = frequency.keys.sorted {
            frequency[$0]! != frequency[$1]! ? frequency[$0]! > frequency[$1]! : firstSeen[$0]! < firstSeen[$1]!
        }
        return Keywords(keywords: Array(ranked.prefix(count)))
    }
}
