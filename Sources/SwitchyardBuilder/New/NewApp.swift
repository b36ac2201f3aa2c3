import Foundation

/// `switchyard new`: the files of a new app package that depends on Switchyard, ready for
/// `switchyard build FEATURE`, and writing them into a fresh git repository.
///
/// The files depend only on the app's name, its track and the relative path from the app's
/// folder to Switchyard's checkout: the same inputs give the same bytes in any folder (no
/// dates, no absolute paths). Every template is a string literal in this module: nothing is
/// fetched and no resource files are read.
public enum NewApp {
    /// A file of the new app.
    public struct File: Hashable, Sendable {
        /// Relative to the app's folder, with `/` separators.
        public var path: String
        public var contents: String
        /// Written with mode 0755 (`.ci/run`).
        public var executable: Bool

        public init(path: String, contents: String, executable: Bool = false) {
            self.path = path
            self.contents = contents
            self.executable = executable
        }
    }

    /// Why `switchyard new` wrote nothing (or, for ``Refusal/Kind/commitFailed``, wrote the
    /// files but could not commit them).
    public struct Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        public enum Kind: String, Hashable, Sendable {
            case badName
            case folderNotEmpty
            case switchyardNotFound
            case writeFailed
            case commitFailed
        }

        public var kind: Kind
        public var message: String
        public var description: String { message }

        public init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }
    }

    /// The names derived from the app's name (`Greenhouse`).
    public struct Names: Hashable, Sendable {
        /// The library module, `Greenhouse` (Sources/Greenhouse).
        public var module: String
        /// The executable product, `greenhouse` (`swift run greenhouse`); also the supervisor's
        /// name and the SQLite file's stem.
        public var executable: String
        /// The executable's target, `GreenhouseMain` (Sources/GreenhouseMain/main.swift). Not
        /// `greenhouse`: on a case-insensitive file system (macOS's default) the folders
        /// Sources/Greenhouse and Sources/greenhouse, and the two modules' build products, would
        /// be one and the same.
        public var executableTarget: String
        /// The test target, `GreenhouseTests`.
        public var tests: String

        public init(_ name: String) {
            module = name
            executable = name.lowercased()
            executableTarget = name + "Main"
            tests = name + "Tests"
        }
    }

    // MARK: Names

    /// Module names the app's module would clash with (its dependencies' modules, the types the
    /// templates declare, and the targets of Switchyard's own package, which SwiftPM refuses to
    /// have twice in one package graph).
    static let reservedNames: Set<String> = [
        "Application", "Backend", "Accounts", "Foundation", "Logging", "ServiceLifecycle", "UnixSignals",
        "Hummingbird", "HummingbirdTesting", "HummingbirdBcrypt", "HTTPTypes", "GRDB", "NIOCore", "NIOPosix",
        "Testing", "XCTest", "Swift", "Dispatch", "Metrics", "KitchenDemo", "SummariesAPI",
    ]

    /// Checks that `name` can be the app's module: UpperCamelCase ASCII letters and digits,
    /// starting with a capital letter.
    /// - Throws: ``Refusal`` (`badName`), with the UpperCamelCase form when there is one.
    public static func checkName(_ name: String) throws(Refusal) {
        let isUpperCamelCase =
            name.first.map { $0.isASCII && $0.isUppercase } == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        if isUpperCamelCase {
            if name.hasPrefix("Switchyard") || reservedNames.contains(name)
                || SwiftNames.reservedTypeNames.contains(name)
            {
                throw Refusal(
                    .badName,
                    "the app's name \"\(name)\" is taken by a module it depends on or a type it declares; "
                        + "choose another, such as \"\(name)App\"")
            }
            return
        }
        let suggestion = suggestedName(for: name)
        let hint: String
        if let suggestion, suggestion != name, (try? checkName(suggestion)) != nil {
            hint = "; did you mean \"\(suggestion)\"?"
        } else {
            hint = ", such as \"Greenhouse\""
        }
        throw Refusal(
            .badName,
            "the app's name \"\(name)\" is not UpperCamelCase: it is the app's Swift module, so it must start "
                + "with a capital letter and hold only ASCII letters and digits\(hint)")
    }

    /// `name` in UpperCamelCase (`green-house` → `GreenHouse`, `greenhouse` → `Greenhouse`),
    /// or `nil` when it has no letters.
    public static func suggestedName(for name: String) -> String? {
        let words = name.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        var result = words.map { word in word.prefix(1).uppercased() + word.dropFirst() }.joined()
        while let first = result.first, !first.isLetter { result.removeFirst() }
        guard let first = result.first else { return nil }
        return first.uppercased() + result.dropFirst()
    }

    // MARK: Files

    /// The app's files, sorted by path.
    /// - Parameter switchyardPath: Switchyard's checkout, relative to the app's folder.
    /// - Precondition: `name` passes ``checkName(_:)``.
    public static func files(name: String, track: Plan.Track, switchyardPath: String) -> [File] {
        let names = Names(name)
        var files = Templates.common(names, track: track, switchyardPath: switchyardPath)
        switch track {
        case .multiAgent: files += MultiAgentTemplates.files(names, switchyardPath: switchyardPath)
        case .pipeline: files += PipelineTemplates.files(names, switchyardPath: switchyardPath)
        }
        return files.sorted { $0.path < $1.path }
    }

    // MARK: Switchyard's checkout

    /// Checks that `folder` holds Switchyard's Package.swift.
    public static func checkSwitchyardPackage(at folder: URL) throws(Refusal) {
        let manifest = folder.appending(path: "Package.swift")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else {
            throw Refusal(
                .switchyardNotFound,
                "no Switchyard checkout at \(folder.path): \(manifest.path) does not exist; "
                    + "pass --switchyard-path or set SWITCHYARD_PACKAGE_PATH to the folder holding Switchyard's Package.swift"
            )
        }
        guard text.contains(#"name: "Switchyard""#) else {
            throw Refusal(
                .switchyardNotFound,
                "\(manifest.path) is not Switchyard's (it has no `name: \"Switchyard\"`); "
                    + "pass --switchyard-path or set SWITCHYARD_PACKAGE_PATH to Switchyard's checkout")
        }
    }

    /// The path of `target` relative to `folder` (both absolute; `..` where needed), `.` when
    /// they are the same. Symbolic links in the parts that exist are resolved first.
    public static func relativePath(from folder: URL, to target: URL) -> String {
        let from = resolved(folder).pathComponents.filter { $0 != "/" }
        let to = resolved(target).pathComponents.filter { $0 != "/" }
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `url` made absolute and standardized, with symbolic links resolved in its longest
    /// existing ancestor (the app's folder may not exist yet).
    static func resolved(_ url: URL) -> URL {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.pathComponents.count > 1 {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        var result = existing.resolvingSymlinksInPath()
        for part in rest { result = result.appending(path: part) }
        return result.standardizedFileURL
    }

    // MARK: Writing

    /// Writes the app into `folder` (created if needed; if it exists it must be empty), then
    /// makes it a git repository with one commit, `switchyard new NAME (TRACK)`, of exactly
    /// the files written.
    ///
    /// - Parameters:
    ///   - switchyard: Switchyard's checkout (absolute).
    ///   - gitEnvironment: extra variables for git (tests set an author here).
    /// - Returns: the files written.
    /// - Throws: ``Refusal``; for every kind but `commitFailed` (and `writeFailed`, which may
    ///   leave part of the files) nothing was written.
    @discardableResult
    public static func create(
        name: String, track: Plan.Track, in folder: URL, switchyard: URL, gitEnvironment: [String: String] = [:]
    ) throws(Refusal) -> [File] {
        try checkName(name)
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw Refusal(.folderNotEmpty, "\(folder.path) exists and is a file; choose another --path")
            }
            let entries = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [""]
            guard entries.isEmpty else {
                throw Refusal(
                    .folderNotEmpty,
                    "\(folder.path) exists and is not empty; choose another --path (nothing was written)")
            }
        }
        try checkSwitchyardPackage(at: switchyard)
        let files = files(name: name, track: track, switchyardPath: relativePath(from: folder, to: switchyard))
        do {
            for file in files {
                let url = folder.appending(path: file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: url)
                try manager.setAttributes(
                    [.posixPermissions: file.executable ? 0o755 : 0o644], ofItemAtPath: url.path)
            }
        } catch {
            throw Refusal(.writeFailed, "cannot write the app into \(folder.path): \(error.localizedDescription)")
        }
        let git = Git(root: folder, environment: gitEnvironment)
        do {
            try git.run(["init", "-q"])
            try git.run(["add", "--"] + files.map(\.path))
        } catch {
            throw Refusal(.commitFailed, "wrote the app into \(folder.path), but \(error)")
        }
        let message = "switchyard new \(name) (\(track.rawValue))"
        let commit: (status: Int32, standardOutput: String, standardError: String)
        do {
            // useConfigOnly: no identity guessed from the host name; a missing one fails here.
            commit = try git.runAllowingFailure([
                "-c", "user.useConfigOnly=true", "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m",
                message,
            ])
        } catch {
            throw Refusal(.commitFailed, "wrote the app into \(folder.path), but could not run git: \(error)")
        }
        guard commit.status == 0 else {
            let reason = commit.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            let identity =
                reason.contains("user.email") || reason.contains("user.name") || reason.contains("identity")
                ? "git has no identity configured: set one with `git config --global user.name \"Your Name\"` and "
                    + "`git config --global user.email you@example.com`, then "
                : "git could not commit (\(reason)); fix that, then "
            throw Refusal(
                .commitFailed,
                "wrote the app into \(folder.path) and staged its files, but \(identity)"
                    + "run `git -C \(folder.path) commit -m \"\(message)\"`")
        }
        return files
    }
}
