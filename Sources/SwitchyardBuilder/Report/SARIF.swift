import Foundation

/// A SARIF 2.1.0 log of one run: what `switchyard plan lint --format sarif` and `switchyard check
/// --format sarif` print, for code-scanning uploads. URIs are relative to the app's root
/// (`uriBaseId` `SRCROOT`); each result has a fingerprint from its rule and subject, so a finding
/// keeps its identity when lines move.
public struct SARIFLog: Encodable, Sendable {
    public struct Rule: Encodable, Sendable {
        public var id: String
        public var name: String
        public var summary: String
        public var help: String
        public var properties: [String: String]

        public init(id: String, name: String, summary: String, help: String, properties: [String: String] = [:]) {
            self.id = id
            self.name = name
            self.summary = summary
            self.help = help
            self.properties = properties
        }
    }

    public struct Result: Sendable {
        public var ruleID: String
        /// `error`, `warning` or `note`.
        public var level: String
        public var message: String
        public var position: SourcePosition
        /// Stable across edits that move the finding: the rule and what it is about.
        public var identity: String
        public var properties: [String: String]

        public init(
            ruleID: String, level: String, message: String, position: SourcePosition, identity: String,
            properties: [String: String] = [:]
        ) {
            self.ruleID = ruleID
            self.level = level
            self.message = message
            self.position = position
            self.identity = identity
            self.properties = properties
        }
    }

    public var toolName: String
    public var toolVersion: String
    public var rules: [Rule]
    public var results: [Result]

    public init(toolName: String, toolVersion: String, rules: [Rule], results: [Result]) {
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.rules = rules
        self.results = results
    }

    /// The log as pretty-printed JSON with sorted keys (byte-identical for the same findings).
    public func json() -> String {
        return prettyJSON(self)
    }

    private enum Keys: String, CodingKey {
        case schema = "$schema", version, runs
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("https://json.schemastore.org/sarif-2.1.0.json", forKey: .schema)
        try container.encode("2.1.0", forKey: .version)
        let ruleIndex = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let run = Run(
            tool: .init(
                driver: .init(
                    name: toolName, version: toolVersion, informationUri: "https://github.com/switchyard/switchyard",
                    rules: rules.map { rule in
                        .init(
                            id: rule.id, name: rule.name, shortDescription: .init(text: rule.summary),
                            fullDescription: .init(text: rule.help), help: .init(text: rule.help),
                            properties: rule.properties)
                    })),
            results: results.map { result in
                .init(
                    ruleId: result.ruleID, ruleIndex: ruleIndex[result.ruleID], level: result.level,
                    message: .init(text: result.message),
                    locations: [
                        .init(
                            physicalLocation: .init(
                                artifactLocation: .init(uri: result.position.document, uriBaseId: "SRCROOT"),
                                region: .init(startLine: result.position.line, startColumn: result.position.column)))
                    ],
                    partialFingerprints: ["switchyardIdentity/v1": fingerprint(result.identity)],
                    properties: result.properties)
            },
            columnKind: "unicodeCodePoints")
        try container.encode([run], forKey: .runs)
    }

    private struct Text: Encodable { var text: String }
    private struct Run: Encodable {
        struct Tool: Encodable { var driver: Driver }
        struct Driver: Encodable {
            var name: String
            var version: String
            var informationUri: String
            var rules: [ReportingDescriptor]
        }
        struct ReportingDescriptor: Encodable {
            var id: String
            var name: String
            var shortDescription: Text
            var fullDescription: Text
            var help: Text
            var properties: [String: String]
        }
        struct ResultObject: Encodable {
            var ruleId: String
            var ruleIndex: Int?
            var level: String
            var message: Text
            var locations: [Location]
            var partialFingerprints: [String: String]
            var properties: [String: String]
        }
        struct Location: Encodable { var physicalLocation: PhysicalLocation }
        struct PhysicalLocation: Encodable {
            var artifactLocation: ArtifactLocation
            var region: Region
        }
        struct ArtifactLocation: Encodable {
            var uri: String
            var uriBaseId: String
        }
        struct Region: Encodable {
            var startLine: Int
            var startColumn: Int
        }
        var tool: Tool
        var results: [ResultObject]
        var columnKind: String
    }
}

/// A short, stable hex digest (64-bit FNV-1a) of `text`: a fingerprint, not a security hash.
func fingerprint(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
