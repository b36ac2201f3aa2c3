import Foundation
import SwitchyardConfiguration

/// What `switchyard check` found in an app.
public struct CheckResult: Hashable, Sendable {
    /// Sorted by file, line, column and rule.
    public var findings: [CheckFinding]
    /// The Swift files read.
    public var swiftFiles: Int

    /// 1 when any finding is an error, else 0 (placeholders are warnings: an app with them passes).
    public var exitCode: Int32 { findings.contains { $0.severity == .error } ? 1 : 0 }

    public func count(_ severity: CheckRule.Severity) -> Int {
        findings.filter { $0.severity == severity }.count
    }
}

/// Why an app could not be checked at all (exit status 2): a missing folder, an unreadable file,
/// an invalid `[check]` table, a manifest that is not one.
public struct CheckFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Runs the rules of ``CheckRule`` on an app: its Swift files under `Sources/`, its other owned
/// files (switchyard.toml, schema/*.sql, the manifest) and its plans (`docs/plans/*.md`).
public struct AppChecker: Sendable {
    public var configuration: CheckConfiguration

    public init(configuration: CheckConfiguration = .init()) {
        self.configuration = configuration
    }

    // MARK: - An app on disk

    /// Reads the app at `root` (its `[check]` settings included) and checks it.
    /// - Throws: ``CheckFailure`` when the app cannot be read.
    public static func check(root: URL) throws(CheckFailure) -> CheckResult {
        let input = try AppFiles(root: root)
        let configuration: CheckConfiguration
        do {
            configuration = try CheckConfiguration(toml: input.configuration ?? "")
        } catch {
            throw CheckFailure("\(error)")
        }
        return AppChecker(configuration: configuration).check(input.context)
    }

    // MARK: - Files in memory

    /// Checks Swift files given as text (paths relative to the app's root), against `plans`.
    /// - Parameters:
    ///   - otherFiles: owned files that are not Swift (switchyard.toml, schema/*.sql), by path.
    ///   - builtFeatures: the features the code is expected to implement (the manifest's).
    public func check(
        swiftFiles: [String: String], otherFiles: [String: String] = [:], plans: [Plan] = [],
        builtFeatures: Set<String> = []
    ) -> CheckResult {
        let context = CheckContext(
            sources: swiftFiles.sorted { $0.key < $1.key }.map { ParsedSource(path: $0.key, text: $0.value) },
            otherFiles: otherFiles.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            tracks: Set(plans.map(\.track)),
            topicPlans: plans.compactMap { CheckContext.topics(of: $0, built: builtFeatures.contains($0.feature)) },
            openPlans: [])
        return check(context)
    }

    /// Where ``check(example:of:)`` puts the example.
    public static let examplePath = "Sources/Example/Example.swift"

    /// The findings of `rule` on one of its examples, checked as the one file of an app with every
    /// rule on (and the rule's example plan topics, if any).
    public static func check(example: String, of rule: CheckRule) -> [CheckFinding] {
        var topicPlans: [CheckContext.PlanTopics] = []
        if let first = rule.examplePlanTopics.first {
            let domain = String(first.prefix { $0 != ":" })
            let position = SourcePosition(document: "docs/plans/example.md", line: 1, column: 1)
            topicPlans.append(
                .init(
                    feature: "example", domain: domain,
                    required: rule.examplePlanTopics.map { Located($0, at: position) },
                    allowed: Set(rule.examplePlanTopics), built: true))
        }
        let context = CheckContext(
            sources: [ParsedSource(path: examplePath, text: example)], otherFiles: [],
            tracks: [], topicPlans: topicPlans, openPlans: [])
        return AppChecker().check(context).findings
    }

    // MARK: - The rules

    func check(_ context: CheckContext) -> CheckResult {
        var raw: [RawFinding] = []
        for rule in CheckRule.all
        where rule != .suppressionWithoutReason && rule.applies(to: context.tracks)
            && configuration.severity(of: rule) != nil
        {
            raw += Self.detect(rule, in: context)
        }
        let suppressions = context.sources.flatMap(Suppression.all(in:))
        raw.removeAll { finding in suppressions.contains { $0.covers(finding) } }
        for suppression in suppressions {
            guard let problem = suppression.problem else { continue }
            raw.append(
                RawFinding(
                    rule: .suppressionWithoutReason, path: suppression.path, line: suppression.line,
                    column: suppression.column, message: problem,
                    declaration: "\(suppression.path):suppression:\(suppression.rules.sorted().joined(separator: ","))")
            )
        }
        var findings = Set<CheckFinding>()
        for finding in raw {
            guard let severity = configuration.severity(of: finding.rule) else { continue }
            findings.insert(
                CheckFinding(
                    rule: finding.rule.id, severity: finding.informational ? .note : severity, path: finding.path,
                    line: finding.line, column: finding.column, message: finding.message,
                    declaration: finding.declaration))
        }
        // Identical findings in one declaration (two tasks in one function) are told apart by
        // their order, which survives moved lines.
        var seen: [String: Int] = [:]
        let numbered = findings.sorted().map { finding in
            var finding = finding
            seen[finding.identity, default: 0] += 1
            if let count = seen[finding.identity], count > 1 { finding.declaration += "#\(count)" }
            return finding
        }
        return CheckResult(findings: numbered, swiftFiles: context.sources.count)
    }

    static func detect(_ rule: CheckRule, in context: CheckContext) -> [RawFinding] {
        switch rule {
        case .oneResponsibility: AgentRules.oneResponsibility(context)
        case .llmFallback: AgentRules.llmFallback(context)
        case .blockingCall: ConcurrencyRules.blockingCall(context)
        case .unstructuredTask: ConcurrencyRules.unstructuredTask(context)
        case .coordinatorWindow: WiringRules.coordinatorWindow(context)
        case .supervisorOrder: WiringRules.supervisorOrder(context)
        case .agentsCallAgents: AgentRules.agentsCallAgents(context)
        case .stateOutsideStore: AgentRules.stateOutsideStore(context)
        case .workerStatus: PipelineRules.workerStatus(context)
        case .logicInMiddleware: PipelineRules.logicInMiddleware(context)
        case .errorContext: PipelineRules.errorContext(context)
        case .silentCatch: ErrorRules.silentCatch(context)
        case .discardedTry: ErrorRules.discardedTry(context)
        case .conflictMarkers: FileRules.conflictMarkers(context)
        case .placeholder: FileRules.placeholder(context)
        case .topicsMatchPlan: WiringRules.topicsMatchPlan(context)
        case .queryIndexed: QueryRules.queryIndexed(context)
        default: []
        }
    }
}

/// An app's files as `check` reads them from disk.
struct AppFiles {
    var context: CheckContext
    /// switchyard.toml's text, if there is one.
    var configuration: String?

    init(root: URL) throws(CheckFailure) {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CheckFailure("\(root.path) is not a folder; pass the app's root with --root")
        }
        let sourcesFolder = root.appending(path: "Sources")
        guard manager.fileExists(atPath: sourcesFolder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CheckFailure("\(root.path) has no Sources folder: not a Swift package's root (pass it with --root)")
        }
        let swiftPaths = try Self.files(under: "Sources", root: root) { $0.hasSuffix(".swift") }
        var otherPaths = try Self.files(under: "schema", root: root) { $0.hasSuffix(".sql") }
        for path in ["switchyard.toml", Manifest.path] where manager.fileExists(atPath: root.appending(path: path).path)
        {
            otherPaths.append(path)
        }
        let manifest: Manifest
        do {
            manifest = try Manifest.load(root: root)
        } catch {
            throw CheckFailure("\(error)")
        }
        // The manifest's other files (a migration, say), where they still exist.
        for path in manifest.files.keys.sorted()
        where !path.hasSuffix(".swift") && !otherPaths.contains(path) && !path.hasPrefix("/")
            && !path.split(separator: "/").contains("..")
            && manager.fileExists(atPath: root.appending(path: path).path)
        {
            otherPaths.append(path)
        }
        let sources = try swiftPaths.map { path throws(CheckFailure) in
            ParsedSource(path: path, text: try Self.read(path, root: root))
        }
        let others = try otherPaths.sorted().map { path throws(CheckFailure) in
            (path: path, text: try Self.read(path, root: root))
        }
        configuration = others.first { $0.path == "switchyard.toml" }?.text

        var tracks: Set<Plan.Track> = []
        var topicPlans: [CheckContext.PlanTopics] = []
        var openPlans: [CheckContext.OpenPlan] = []
        let planPaths = try Self.files(under: "docs/plans", root: root, recursive: false) { $0.hasSuffix(".md") }
        for path in planPaths {
            let feature = String((path as NSString).lastPathComponent.dropLast(3))
            let documents: PlanDocuments
            do {
                documents = try PlanDocuments(feature: feature, root: root)
            } catch is PlanDocuments.InvalidFeature {
                continue  // not a feature's plan (a README, say)
            } catch {
                throw CheckFailure("cannot read \(path): \(error)")
            }
            let reading = documents.read()
            if let plan = reading.plan {
                tracks.insert(plan.track)
                if let topics = CheckContext.topics(of: plan, built: manifest.features[feature] != nil) {
                    topicPlans.append(topics)
                }
            } else {
                if let track = documents.plan.field("track").flatMap({ Plan.Track(rawValue: $0.value) }) {
                    tracks.insert(track)
                }
                if documents.plan.field("track")?.value != Plan.Track.pipeline.rawValue,
                    let first = reading.escalations.map(\.position).min()
                {
                    openPlans.append(.init(feature: feature, position: first))
                }
            }
        }
        context = CheckContext(
            sources: sources, otherFiles: others, tracks: tracks, topicPlans: topicPlans, openPlans: openPlans)
    }

    /// The files under `folder` (relative to `root`) whose path matches, sorted; none if it is absent.
    /// Hidden entries and `.build` are skipped.
    static func files(
        under folder: String, root: URL, recursive: Bool = true, matching: (String) -> Bool
    ) throws(CheckFailure) -> [String] {
        let manager = FileManager.default
        let base = root.appending(path: folder)
        guard manager.fileExists(atPath: base.path) else { return [] }
        var paths: [String] = []
        var pending = [folder]
        while let current = pending.popLast() {
            let entries: [String]
            do {
                entries = try manager.contentsOfDirectory(atPath: root.appending(path: current).path)
            } catch {
                throw CheckFailure("cannot read the folder \(current): \(error.localizedDescription)")
            }
            for entry in entries where !entry.hasPrefix(".") {
                let path = "\(current)/\(entry)"
                var isFolder: ObjCBool = false
                guard manager.fileExists(atPath: root.appending(path: path).path, isDirectory: &isFolder) else {
                    continue  // a dangling link
                }
                if isFolder.boolValue {
                    if recursive { pending.append(path) }
                } else if matching(path) {
                    paths.append(path)
                }
            }
        }
        return paths.sorted()
    }

    static func read(_ path: String, root: URL) throws(CheckFailure) -> String {
        guard let data = FileManager.default.contents(atPath: root.appending(path: path).path) else {
            throw CheckFailure("cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CheckFailure("\(path) is not UTF-8 text")
        }
        return text
    }
}
