import Foundation
import SwitchyardConfiguration
import SwitchyardModel

/// Turns a plan into the files a feature's code is made of. Pure: the same plan gives the same
/// files, byte for byte.
public protocol FeatureGenerator: Sendable {
    func files(for plan: Plan) -> [GeneratedFile]
}

/// How `switchyard build` runs.
public struct BuildOptions: Sendable {
    public enum Mode: Sendable {
        /// Write, and commit each stage on `feature/{feature}`.
        case write
        /// Print the statuses; write nothing.
        case dryRun
        /// Read-only, for CI: exit status 1 on any drift.
        case check
    }

    public var mode: Mode
    /// Settle conflicts with a three-way merge against what was last generated.
    public var merge: Bool
    /// Globs of generated paths to overwrite whatever the user did.
    public var force: [String]
    /// Remove stale files that nobody edited.
    public var prune: Bool

    public init(mode: Mode = .write, merge: Bool = false, force: [String] = [], prune: Bool = false) {
        self.mode = mode
        self.merge = merge
        self.force = force
        self.prune = prune
    }
}

/// What a build did, or would do.
public struct BuildOutcome: Sendable {
    public var feature: String
    public var track: Plan.Track?
    public var branch: String { "feature/\(feature)" }
    public var escalations: [Escalation] = []
    public var actions: [FileAction] = []
    public var refusals: [BuildRefusal] = []
    /// The plan or decision document differs from the one the last build recorded.
    public var documentsChanged = false
    /// No build of the feature was recorded before.
    public var firstBuild = false
    /// The commits made: (stage or `record`, commit id).
    public var commits: [(stage: String, id: String)] = []
    /// The files the plan renders (logic files as placeholders).
    public var generated: [GeneratedFile] = []

    /// 3: questions open; 2: refused; 1: drift (with `--check`); 0: done.
    public func exitStatus(for mode: BuildOptions.Mode) -> Int32 {
        if !escalations.isEmpty { return 3 }
        if !refusals.isEmpty { return 2 }
        if mode == .check && hasDrift { return 1 }
        return 0
    }

    /// Whether a build would change anything: a file, the manifest's record of the documents,
    /// or a conflict or stale file left standing.
    public var hasDrift: Bool {
        documentsChanged || actions.contains { $0.changesDisk || [.conflict, .stale].contains($0.status) }
    }
}

/// `switchyard build`: reads a feature's documents, plans every owned file, refuses the whole
/// build on any problem, and otherwise writes stage by stage, committing each stage that changed
/// on `feature/{feature}` with exactly its paths staged.
public struct Builder: Sendable {
    public var root: URL
    public var git: Git
    public var generator: any FeatureGenerator
    /// Writes logic files with a model; `nil`: they are placeholders.
    public var logicWriter: LogicWriter?

    public init(root: URL, git: Git? = nil, generator: any FeatureGenerator, logicWriter: LogicWriter? = nil) {
        self.root = root
        self.git = git ?? Git(root: root)
        self.generator = generator
        self.logicWriter = logicWriter
    }

    // MARK: - Planning

    /// Reads, generates and classifies; writes nothing.
    public func plan(_ feature: String, options: BuildOptions = .init()) throws -> BuildOutcome {
        var outcome = BuildOutcome(feature: feature)
        let documents = try PlanDocuments(feature: feature, root: root)
        let reading = documents.read()
        guard let plan = reading.plan else {
            outcome.escalations = reading.escalations
            return outcome
        }
        outcome.track = plan.track
        if let link = symbolicLink(on: Manifest.path) {
            outcome.refusals.append(
                BuildRefusal(
                    .forbidden, path: Manifest.path,
                    "\(link) is a symbolic link: the builder reads and writes only real folders and files inside the app"
                ))
            return outcome
        }
        let manifest: Manifest
        do {
            manifest = try Manifest.load(root: root)
        } catch let refusal as BuildRefusal {
            outcome.refusals.append(refusal)
            return outcome
        }
        let recorded = manifest.features[feature]
        outcome.firstBuild = recorded == nil
        outcome.documentsChanged =
            recorded?.plan != documents.planBlob || recorded?.decisions != documents.decisionsBlob
        let protect = try protectedPaths()
        let ownership = Ownership.table(for: plan.track, app: plan.app, protect: protect)
        let files = generator.files(for: plan)
        let stages = BuildStage.stages(for: plan.track)

        for file in files where !ownership.allows(file.path) {
            outcome.actions.append(
                FileAction(
                    path: file.path, status: .forbidden, fileClass: file.fileClass, stage: file.stage,
                    current: read(file.path), result: read(file.path), note: "not a path the builder owns"))
            outcome.refusals.append(
                BuildRefusal(
                    .forbidden, path: file.path,
                    protect.first { globMatches($0, file.path) }.map {
                        "`[build] protect` in switchyard.toml keeps this path from the builder (\($0))"
                    } ?? "the \(plan.track.rawValue) track's ownership table does not give this path to the builder"))
        }
        guard outcome.refusals.isEmpty else { return outcome }

        // Whole files, then shared files stage by stage.
        for file in files where file.fileClass != .shared {
            outcome.actions.append(try classify(file, of: plan, manifest: manifest, options: options))
        }
        var sharedText: [String: String?] = [:]
        let shared = files.filter { $0.fileClass == .shared }
        for path in Set(shared.map(\.path)).sorted() {
            let current = read(path)
            sharedText[path] = current
            var entries = manifest.files[path]?.entries ?? [:]
            let produced = shared.filter { $0.path == path }
            let anchorsBefore = current.map { SharedFile.anchors(of: feature, in: $0, path: path) } ?? []
            for stage in stages {
                let stageEntries = produced.filter { $0.stage == stage }
                // Entries no longer produced go with the last stage.
                let removed =
                    stage == stages.last
                    ? anchorsBefore.filter { anchor in !produced.contains { $0.anchor == anchor } } : []
                guard !stageEntries.isEmpty || !removed.isEmpty else { continue }
                guard let text = sharedText[path] ?? nil else {
                    outcome.refusals.append(
                        BuildRefusal(
                            .missingAnchor, path: path,
                            "the shared file is missing; `switchyard new` writes it (with its anchors)"))
                    break
                }
                var action = FileAction(
                    path: path, status: .identical, fileClass: .shared, stage: stage, current: text, result: text)
                var result = text
                do {
                    for entry in stageEntries {
                        let anchor = entry.anchor ?? stage.rawValue
                        let key = "\(feature) \(anchor)"
                        let before = SharedFile.entries(of: feature, anchor, in: result, path: path)
                        let userEdited =
                            before != nil && entries[key] != nil && Git.blobID(of: Data(before!.utf8)) != entries[key]
                        let planChanged = entries[key] != Git.blobID(of: Data(entry.contents.utf8))
                        if userEdited && !planChanged {
                            action.note = "entries edited: kept"
                            action.keptEdit = true
                            continue
                        }
                        if userEdited && before != entry.contents && !forced(path, options) {
                            action.status = .conflict
                            action.note = "\(feature)'s \(anchor) entries were edited, and the plan changes them"
                            continue
                        }
                        result = try SharedFile.apply(
                            entry.contents, feature: feature, anchor: anchor, to: result, path: path)
                        entries[key] = Git.blobID(of: Data(entry.contents.utf8))
                    }
                    for anchor in removed {
                        result = try SharedFile.apply(nil, feature: feature, anchor: anchor, to: result, path: path)
                        entries["\(feature) \(anchor)"] = nil
                    }
                } catch {
                    outcome.refusals.append(error)
                    break
                }
                if action.status != .conflict {
                    action.status = result != text ? .insert : action.keptEdit ? .keep : .identical
                }
                action.result = result
                action.recordedEntries = entries
                sharedText[path] = result
                outcome.actions.append(action)
            }
        }

        // Files of this feature no longer produced.
        let produced = Set(files.map(\.path))
        for (path, entry) in manifest.files.sorted(by: { $0.key < $1.key })
        where entry.feature == feature && entry.fileClass != .shared && !produced.contains(path) {
            guard ownership.allows(path) else {
                outcome.refusals.append(
                    BuildRefusal(
                        .forbidden, path: path,
                        "\(Manifest.path) records this path for \(feature), but the builder does not own it: restore the manifest from git"
                    ))
                continue
            }
            let current = read(path)
            var action = FileAction(
                path: path, status: .stale, fileClass: entry.fileClass, stage: entry.stage ?? stages.last!,
                current: current, result: current, recordedBlob: entry.blob)
            if current == nil {
                action.note = "already removed"
                action.recordedBlob = nil
            } else if Git.blobID(of: Data(current!.utf8)) == entry.blob {
                if options.prune,
                    try !committedByBuild(of: feature, path: path, blob: Git.blobID(of: Data(current!.utf8)))
                {
                    action.note = "not as a build of \(feature) committed it: kept (remove it yourself)"
                } else if options.prune {
                    action.result = nil
                    action.recordedBlob = nil
                    action.note = "removed"
                } else {
                    action.note = "unedited: --prune removes it"
                }
            } else {
                action.note = "edited: kept"
            }
            outcome.actions.append(action)
        }

        for action in outcome.actions where action.status == .conflict {
            let note = action.note ?? "edited, and the plan changes it"
            outcome.refusals.append(
                BuildRefusal(
                    .conflict, path: action.path,
                    action.ownedByAnotherFeature
                        ? note
                        : note
                            + ": settle it with --merge, overwrite it with --force '\(action.path)', or revert the edit"
                ))
        }
        outcome.actions.sort {
            (stages.firstIndex(of: $0.stage) ?? 0, $0.path) < (stages.firstIndex(of: $1.stage) ?? 0, $1.path)
        }
        for action in outcome.actions where action.changesDisk {
            if let link = symbolicLink(on: action.path) {
                outcome.refusals.append(
                    BuildRefusal(
                        .forbidden, path: action.path,
                        "\(link) is a symbolic link: the builder writes only real folders and files inside the app"))
            }
        }
        outcome.refusals += Self.syntaxRefusals(outcome.actions)
        outcome.refusals += nameClashes(
            files, app: plan.app, ownFiles: manifest.files.filter { $0.value.feature == feature })
        outcome.generated = files
        if logicWriter != nil {
            for index in outcome.actions.indices where outcome.actions[index].wantsWriting {
                outcome.actions[index].note = [outcome.actions[index].note, "a model writes it"]
                    .compactMap { $0 }.joined(separator: "; ")
            }
        }

        if options.mode == .write {
            let dirty = try git.dirtyPaths()
            for action in outcome.actions where action.changesDisk && dirty.contains(action.path) {
                outcome.refusals.append(
                    BuildRefusal(.dirty, path: action.path, "has uncommitted changes: commit or stash them first"))
            }
            if dirty.contains(Manifest.path) {
                outcome.refusals.append(
                    BuildRefusal(.dirty, path: Manifest.path, "has uncommitted changes: commit or restore it first"))
            }
            // The commits name the documents' blobs: they must be the committed ones.
            for path in [PlanDocuments.planPath(feature), PlanDocuments.decisionsPath(feature)]
            where dirty.contains(path) {
                outcome.refusals.append(
                    BuildRefusal(
                        .dirty, path: path,
                        "has uncommitted changes: commit it first, so the build's commits name the document they were built from"
                    ))
            }
            if !(try git.stagedPaths()).isEmpty {
                outcome.refusals.append(
                    BuildRefusal(.dirty, "the index holds staged changes: commit or unstage them first"))
            }
        }
        return outcome
    }

    /// A generated or logic file's status.
    private func classify(
        _ file: GeneratedFile, of plan: Plan, manifest: Manifest, options: BuildOptions
    ) throws -> FileAction {
        let current = read(file.path)
        let recorded = manifest.files[file.path]?.blob
        let new = file.contents
        if let owner = manifest.files[file.path]?.feature, owner != plan.feature {
            var action = FileAction(
                path: file.path, status: .conflict, fileClass: file.fileClass, stage: file.stage, current: current,
                result: current, recordedBlob: recorded,
                note: "the feature \(owner) owns it: rename what this plan names alike")
            action.ownedByAnotherFeature = true
            return action
        }
        let newBlob = Git.blobID(of: Data(new.utf8))
        var action = FileAction(
            path: file.path, status: .create, fileClass: file.fileClass, stage: file.stage, current: current,
            result: new, recordedBlob: newBlob)
        guard let current else {
            if file.fileClass == .logic { return classifyLogic(action, recorded: manifest.files[file.path]) }
            if recorded != nil { action.note = "was removed: made again" }
            return action
        }
        if file.fileClass == .logic { return classifyLogic(action, recorded: manifest.files[file.path]) }
        if current == new {
            action.status = .identical
            return action
        }
        let currentBlob = Git.blobID(of: Data(current.utf8))
        if currentBlob == recorded {
            action.status = .update
            return action
        }
        if forced(file.path, options) {
            action.status = .update
            action.note = "forced: the edit is overwritten"
            return action
        }
        if recorded == newBlob {
            action.status = .keep
            action.result = current
            action.recordedBlob = recorded
            action.note = "edited: kept"
            return action
        }
        guard let recorded else {
            action.status = .conflict
            action.result = current
            action.recordedBlob = nil
            action.note = "exists and was not written by switchyard build"
            return action
        }
        if options.merge {
            if let merged = try merge(current: current, baseBlob: recorded, new: new, path: file.path) {
                action.status = .merged
                action.result = merged
                return action
            }
            action.note = "edited, and the plan changes it: the three-way merge has conflicts"
        }
        action.status = .conflict
        action.result = current
        action.recordedBlob = recorded
        action.note = action.note ?? "edited, and the plan changes it"
        return action
    }

    /// Every Swift file the build would write must parse: a generator's bug is refused before
    /// anything is written.
    static func syntaxRefusals(_ actions: [FileAction]) -> [BuildRefusal] {
        actions.compactMap { action -> BuildRefusal? in
            guard action.changesDisk, let text = action.result else { return nil }
            if action.path.hasSuffix(".toml") {
                // A shared switchyard.toml must still be TOML: two features' tables of one name are not.
                do {
                    _ = try ConfigurationFile(text: text, path: action.path)
                    return nil
                } catch {
                    return BuildRefusal(
                        .invalidConfiguration, path: action.path,
                        "with this feature's entries the file would not parse (\(error)): a table another "
                            + "feature or you already define (say, a plan of the same name) cannot be defined again; rename it in the plan"
                    )
                }
            }
            guard SwiftValidation.isSwift(action.path),
                let problem = SwiftValidation.syntaxProblems(in: text, path: action.path).first
            else { return nil }
            return BuildRefusal(
                .invalidSwift, path: action.path,
                "the rendered file does not parse (\(problem)); this is a bug in the generator: report it with the plan"
            )
        }
    }

    /// Types this feature's files declare that another Swift file of the app's module declares
    /// too (another feature's wiring, or the user's code): the module would not compile.
    func nameClashes(_ files: [GeneratedFile], app: String, ownFiles: [String: Manifest.File]) -> [BuildRefusal] {
        // This feature's files, and those it made before (stale ones are reported as such).
        let produced = Set(files.map(\.path)).union(ownFiles.keys)
        let folder = root.appending(path: "Sources/\(app)")
        var declaredElsewhere: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = "Sources/\(app)/\(relative)"
            guard SwiftValidation.isSwift(path), !produced.contains(path), let text = read(path) else { continue }
            for name in SwiftValidation.topLevelTypes(in: text) where declaredElsewhere[name].map({ path < $0 }) ?? true
            {
                declaredElsewhere[name] = path
            }
        }
        var refusals: [BuildRefusal] = []
        var declaredHere: [String: String] = [:]
        let rename = "rename it in the plan (a topic's message, a directive, a content table, an agent)"
        for file in files.sorted(by: { $0.path < $1.path }) where SwiftValidation.isSwift(file.path) {
            guard file.fileClass != .shared else { continue }
            for name in SwiftValidation.topLevelTypes(in: file.contents) {
                let clash: String? =
                    if SwiftNames.reservedTypeNames.contains(name) {
                        "declares \(name), a type of Swift or of the Switchyard modules the app imports: \(rename)"
                    } else if let other = declaredHere[name] {
                        "declares \(name), which \(other) of the same plan declares too: \(rename)"
                    } else if let other = declaredElsewhere[name] {
                        "declares \(name), which \(other) declares too: \(rename), or in that file"
                    } else {
                        nil
                    }
                declaredHere[name] = declaredHere[name] ?? file.path
                if let clash { refusals.append(BuildRefusal(.nameClash, path: file.path, clash)) }
            }
        }
        return refusals
    }

    /// A logic file's status: created once (by a model when one is configured, else as the
    /// placeholder file the plan renders), `identical` while unedited and the plan renders the
    /// same, `update` when the plan changed and nobody edited it, and the user's (`skip`) once
    /// edited. A model's file is restored from its recorded blob, never asked for again.
    private func classifyLogic(_ planned: FileAction, recorded: Manifest.File?) -> FileAction {
        var action = planned
        let rendered = action.recordedBlob
        let sameRendering = recorded?.renderedBlob == rendered
        guard let current = action.current else {
            if let recorded, let blob = recorded.blob, recorded.writer != nil, sameRendering,
                let restored = try? git.run(["cat-file", "blob", blob])
            {
                action.result = restored
                action.recordedBlob = blob
                action.recordedSource = recorded.source
                action.writer = recorded.writer
                action.note = "was removed: restored as \(recorded.writer!) wrote it"
                return action
            }
            action.wantsWriting = true
            if recorded != nil { action.note = "was removed: made again" }
            return action
        }
        let unedited = recorded.map { Git.blobID(of: Data(current.utf8)) == $0.blob } ?? (current == action.result)
        guard unedited else {
            action.status = .skip
            action.result = current
            action.recordedBlob = recorded?.blob ?? rendered
            action.recordedSource = recorded?.source
            action.writer = recorded?.writer
            action.note = "edited: yours"
            return action
        }
        if sameRendering || recorded == nil {
            action.status = .identical
            action.result = current
            action.recordedBlob = recorded?.blob ?? rendered
            action.recordedSource = recorded?.source
            action.writer = recorded?.writer
            return action
        }
        action.status = .update
        action.wantsWriting = true
        action.note = "unedited, and the plan's prose changed"
        return action
    }

    /// A clean three-way merge of the user's `current` and the plan's `new` against what was
    /// last generated (`git merge-file`); `nil` when they conflict.
    private func merge(current: String, baseBlob: String, new: String, path: String) throws -> String? {
        let base = try git.run(["cat-file", "blob", baseBlob])
        let folder = FileManager.default.temporaryDirectory.appending(path: "switchyard-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (ours, ancestor, theirs) = (
            folder.appending(path: "current"), folder.appending(path: "base"), folder.appending(path: "new")
        )
        try current.write(to: ours, atomically: true, encoding: .utf8)
        try base.write(to: ancestor, atomically: true, encoding: .utf8)
        try new.write(to: theirs, atomically: true, encoding: .utf8)
        let result = try git.runAllowingFailure(["merge-file", "-p", ours.path, ancestor.path, theirs.path])
        return result.status == 0 ? result.standardOutput : nil
    }

    private func forced(_ path: String, _ options: BuildOptions) -> Bool {
        options.force.contains { globMatches($0, path) }
    }

    /// Whether a commit of a build of `feature` (trailer `Switchyard-Feature`) left `path` as
    /// `blob`: `--prune` removes only such files, whatever the manifest says.
    private func committedByBuild(of feature: String, path: String, blob: String) throws -> Bool {
        let commits = try git.runAllowingFailure([
            "log", "--format=%H", "--fixed-strings", "--grep=Switchyard-Feature: \(feature)", "--", path,
        ])
        guard commits.status == 0 else { return false }
        for commit in commits.standardOutput.split(separator: "\n") {
            let object = try git.runAllowingFailure(["rev-parse", "--verify", "--quiet", "\(commit):\(path)"])
            if object.status == 0, object.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == blob {
                return true
            }
        }
        return false
    }

    /// `[build] protect = [...]` of switchyard.toml: globs the app keeps from the builder.
    private func protectedPaths() throws -> [String] {
        guard let text = read("switchyard.toml") else { return [] }
        return try BuildSettings.protect(inTOML: text)
    }

    /// The first part of `path` (relative to the root) that is a symbolic link, if any: writing
    /// through one could land outside the app.
    func symbolicLink(on path: String) -> String? {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += prefix.isEmpty ? String(part) : "/\(part)"
            let attributes = try? FileManager.default.attributesOfItem(atPath: root.appending(path: prefix).path)
            guard let attributes else { return nil }
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink { return prefix }
        }
        return nil
    }

    func read(_ path: String) -> String? {
        let url = root.appending(path: path)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Building

    /// Plans, and unless something is refused or open, writes and commits each stage.
    public func build(_ feature: String, options: BuildOptions = .init()) async throws -> BuildOutcome {
        guard git.isRepository else {
            var outcome = BuildOutcome(feature: feature)
            outcome.refusals.append(
                BuildRefusal(
                    .notARepository, "\(root.path) is not in a git repository: `git init` (or `switchyard new`) first"))
            return outcome
        }
        var outcome = try plan(feature, options: options)
        guard options.mode == .write, outcome.escalations.isEmpty, outcome.refusals.isEmpty,
            let track = outcome.track
        else { return outcome }
        if let logicWriter { await writeLogic(&outcome, with: logicWriter) }
        let documents = try PlanDocuments(feature: feature, root: root)
        var manifest = try Manifest.load(root: root)
        let record = Manifest.Feature(
            track: track.rawValue, plan: documents.planBlob, decisions: documents.decisionsBlob)
        // Nothing to commit: stay on the current branch.
        var final = manifest
        for action in outcome.actions { self.record(action, feature: feature, in: &final) }
        final.features[feature] = record
        guard outcome.actions.contains(where: \.changesDisk) || final != manifest else { return outcome }
        do {
            try switchToFeatureBranch(outcome.branch)
        } catch let refusal as BuildRefusal {
            outcome.refusals.append(refusal)
            return outcome
        }
        let stages = BuildStage.stages(for: track)
        for (number, stage) in stages.enumerated() {
            let actions = outcome.actions.filter { $0.stage == stage }
            let before = manifest
            var paths = Set(actions.filter(\.changesDisk).map(\.path))
            for action in actions { self.record(action, feature: feature, in: &manifest) }
            if stage == stages.last { manifest.features[feature] = record }
            if manifest != before { paths.insert(Manifest.path) }
            guard !paths.isEmpty else { continue }
            let label = actions.contains(where: \.changesDisk) ? stage.rawValue : "record"
            do {
                for action in actions where action.changesDisk { try write(action.result, to: action.path) }
                if manifest != before { try write(manifest.encoded(), to: Manifest.path) }
                let id = try commit(
                    paths: paths, feature: feature, stage: label, number: number + 1, of: stages.count,
                    documents: documents, actions: actions.filter(\.changesDisk))
                outcome.commits.append((label, id))
            } catch {
                // Leave the tree and the index as the last commit has them; later stages are not written.
                rollBack(paths)
                outcome.refusals.append(
                    BuildRefusal(
                        .commitFailed, path: nil,
                        "stage \(label) could not be committed (\(error)); its files were restored, and the stages "
                            + "before it stay committed: fix the cause, then build again"))
                return outcome
            }
        }
        return outcome
    }

    /// Restores `paths` in the work tree and the index to HEAD (removing those HEAD lacks).
    private func rollBack(_ paths: Set<String>) {
        for path in paths.sorted() {
            if (try? git.runAllowingFailure(["cat-file", "-e", "HEAD:\(path)"]))?.status == 0 {
                _ = try? git.runAllowingFailure(["checkout", "-q", "HEAD", "--", path])
            } else {
                _ = try? git.runAllowingFailure(["rm", "-q", "--cached", "--ignore-unmatch", "--", path])
                try? FileManager.default.removeItem(at: root.appending(path: path))
            }
        }
    }

    /// Asks the model for each logic file the plan renders anew, one at a time; a reply that is
    /// not accepted leaves the placeholder file, with the reason in the action's note.
    private func writeLogic(_ outcome: inout BuildOutcome, with writer: LogicWriter) async {
        let context = outcome.generated
        for index in outcome.actions.indices where outcome.actions[index].wantsWriting {
            let path = outcome.actions[index].path
            guard let file = context.first(where: { $0.path == path }) else { continue }
            var action = outcome.actions[index]
            switch await writer.write(file, context: context) {
            case .written(let text):
                action.result = text
                action.recordedSource = Git.blobID(of: Data(file.contents.utf8))
                action.recordedBlob = Git.blobID(of: Data(text.utf8))
                action.writer = writer.model.name
                action.note = "written by \(writer.model.name)"
            case .placeholder(let reason):
                action.note = "placeholder: \(reason)"
            }
            outcome.actions[index] = action
        }
    }

    private func record(_ action: FileAction, feature: String, in manifest: inout Manifest) {
        switch action.fileClass {
        case .shared:
            var entry = manifest.files[action.path] ?? .init(fileClass: .shared)
            entry.entries = action.recordedEntries
            manifest.files[action.path] = entry
        case .generated, .logic:
            guard let blob = action.recordedBlob, action.result != nil || action.status == .keep else {
                manifest.files[action.path] = nil
                return
            }
            manifest.files[action.path] = .init(
                fileClass: action.fileClass, stage: action.stage, feature: feature, blob: blob,
                source: action.recordedSource, writer: action.writer)
        }
    }

    private func write(_ text: String?, to path: String) throws {
        let url = root.appending(path: path)
        guard let text else {
            try FileManager.default.removeItem(at: url)
            return
        }
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Stays on, creates, or moves to `feature/{feature}` without touching the work tree: a
    /// branch that holds commits HEAD lacks is refused (switch to it first).
    private func switchToFeatureBranch(_ branch: String) throws {
        if try git.currentBranch() == branch { return }
        let exists =
            try git.runAllowingFailure(["rev-parse", "--verify", "--quiet", "refs/heads/\(branch)"]).status == 0
        if exists {
            let merged = try git.runAllowingFailure(["merge-base", "--is-ancestor", branch, "HEAD"]).status == 0
            guard merged else {
                throw BuildRefusal(
                    .branch, path: nil,
                    "\(branch) has commits the current branch lacks: `git switch \(branch)` first, then build")
            }
            try git.run(["branch", "-f", branch, "HEAD"])
            try git.run(["switch", "-q", branch])
        } else {
            try git.run(["switch", "-q", "-c", branch])
        }
    }

    /// Stages exactly `paths`, checks that nothing else is staged, and commits.
    private func commit(
        paths: Set<String>, feature: String, stage: String, number: Int, of count: Int, documents: PlanDocuments,
        actions: [FileAction]
    ) throws -> String {
        let sorted = paths.sorted()
        try git.run(["add", "--"] + sorted)
        let staged = try git.stagedPaths()
        guard staged == paths else {
            try? git.run(["reset", "-q", "--"] + sorted)
            throw BuildRefusal(
                .dirty, path: nil,
                "the staged set (\(staged.sorted().joined(separator: ", "))) is not the stage's (\(sorted.joined(separator: ", ")))"
            )
        }
        let summary = actions.map { "\($0.status.rawValue) \($0.path)" }.joined(separator: "\n")
        let message = """
            build(\(feature)): \(stage)

            switchyard build \(feature), stage \(number) of \(count) (\(stage)), from \(PlanDocuments.planPath(feature)).
            \(summary.isEmpty ? "Records the documents the feature was built from." : "\n" + summary)

            Switchyard-Feature: \(feature)
            Switchyard-Stage: \(stage)
            Switchyard-Plan: \(documents.planBlob)
            """ + (documents.decisionsBlob.map { "\nSwitchyard-Decisions: \($0)" } ?? "") + "\n"
        try git.run(["commit", "-q", "-F", "-"], input: Data(message.utf8))
        return try git.run(["rev-parse", "--short", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
