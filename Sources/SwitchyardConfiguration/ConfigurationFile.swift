import Foundation
import TOMLKit

/// A parsed `switchyard.toml`: the one reader of the file, shared by every part of an app
/// that has settings in it (the Pipeline's `[server]`, `[database]`…, the model's `[llm]`).
///
/// Reads are typed and checked; every problem is a ``ConfigurationError`` naming the file,
/// the dotted key and its line.
///
/// ```swift
/// let file = try ConfigurationFile.load(path: "switchyard.toml")
/// if let server = try file.root.table("server", known: ["host", "port"]) {
///     let port = try server.int("port", in: 1...65_535)
/// }
/// ```
public struct ConfigurationFile {
    /// The file's path, as errors name it.
    public let path: String
    /// The top level of the file.
    public let root: ConfigurationTable

    /// Parses `text`; errors name `path`.
    public init(text: String, path: String = "switchyard.toml") throws(ConfigurationError) {
        let parsed: TOMLTable
        do {
            parsed = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: path, key: nil, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigurationError(file: path, key: nil, message: "\(error)")
        }
        self.path = path
        self.root = ConfigurationTable(
            toml: parsed, key: nil,
            source: Source(path: path, lines: text.split(separator: "\n", omittingEmptySubsequences: false)))
    }

    /// Reads and parses the file at `path`; errors name it.
    public static func load(path: String) throws(ConfigurationError) -> ConfigurationFile {
        try ConfigurationFile(text: readText(path: path), path: path)
    }

    /// The text of the file at `path`, or an error saying plainly why it cannot be read.
    public static func readText(path: String) throws(ConfigurationError) -> String {
        var isFolder: ObjCBool = false
        let problem: String
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            problem = "no such file"
        } else if isFolder.boolValue {
            problem = "it is a folder, not a file"
        } else if !FileManager.default.isReadableFile(atPath: path) {
            problem = "permission denied"
        } else if let data = FileManager.default.contents(atPath: path) {
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(
                    file: path, key: nil, message: "cannot read the configuration: it is not UTF-8 text")
            }
            return text
        } else {
            problem = "the read failed"
        }
        throw ConfigurationError(file: path, key: nil, message: "cannot read the configuration file: \(problem)")
    }

    /// Refuses any top-level table not in `known` (with a "did you mean") and any key outside
    /// a table. `known` holds the tables of every reader of the file.
    public func checkTables(known: Set<String>) throws(ConfigurationError) {
        for name in root.keys where !known.contains(name) {
            guard root.isTable(name) else {
                throw root.error(name, "unknown key outside any table; keys belong in a table such as [server]")
            }
            let guess = closestName(to: name, in: known).map { " — did you mean [\($0)]?" } ?? ""
            throw root.error(
                name, "unknown table [\(name)]; expected one of \(known.sorted().joined(separator: ", "))\(guess)")
        }
    }

    /// The file's text, by line, for finding where a key is defined.
    struct Source {
        let path: String
        let lines: [Substring]

        /// The line defining `key` (`a.b.c`: `c = ` under `[a.b]`, or the `[a.b.c]` header).
        func line(of key: String) -> Int? {
            let parts = key.split(separator: ".").map(String.init)
            let header = parts.joined(separator: ".")
            let table = parts.dropLast().joined(separator: ".")
            let leaf = parts.last ?? ""
            var section = ""
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") {
                    // `[a.b]  # comment`: the name between the brackets.
                    let bracketed = line.prefix { $0 != "]" }
                    section = bracketed.trimmingCharacters(in: CharacterSet(charactersIn: "[ "))
                    if section == header { return index + 1 }
                    continue
                }
                if section == table, let equals = line.firstIndex(of: "="),
                    line[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                        in: CharacterSet(charactersIn: "\"")) == leaf
                {
                    return index + 1
                }
            }
            return nil
        }
    }
}

/// One table of a ``ConfigurationFile``, with typed reads whose errors name the dotted key
/// (`server.port`) and its line.
public struct ConfigurationTable {
    let toml: TOMLTable
    /// The table's dotted key; `nil` at the top level.
    public let key: String?
    let source: ConfigurationFile.Source

    /// The table's keys, sorted.
    public var keys: [String] { toml.keys.sorted() }

    /// Whether the table has `name`.
    public func contains(_ name: String) -> Bool { toml[name] != nil }

    /// Whether `name` holds a table.
    public func isTable(_ name: String) -> Bool { toml[name]?.table != nil }

    /// The dotted key of `name` in this table.
    public func path(_ name: String) -> String { key.map { "\($0).\(name)" } ?? name }

    /// An error about `name` in this table (or the table itself, if `nil`), with its line.
    public func error(
        _ name: String?, _ message: String, sourceFileID: String = #fileID, sourceLine: Int = #line
    ) -> ConfigurationError {
        let dotted = name.map(path) ?? key
        return ConfigurationError(
            file: source.path, key: dotted, line: dotted.flatMap(source.line(of:)), message: message,
            sourceFileID: sourceFileID, sourceLine: sourceLine)
    }

    /// The table `name`, or `nil` if absent. With `known`, any other key in it is refused
    /// (with a "did you mean"); keys in `refused` are refused with their own message (such as
    /// a secret written into the file).
    public func table(_ name: String, known: Set<String>? = nil, refused: [String: String] = [:])
        throws(ConfigurationError) -> ConfigurationTable?
    {
        guard let value = toml[name] else { return nil }
        let dotted = path(name)
        guard let table = value.table else { throw error(name, "must be a table ([\(dotted)])") }
        let child = ConfigurationTable(toml: table, key: dotted, source: source)
        for key in child.keys {
            if let message = refused[key] { throw child.error(key, message) }
            guard let known, !known.contains(key) else { continue }
            let guess = closestName(to: key, in: known).map { " — did you mean \($0)?" } ?? ""
            throw child.error(key, "unknown key; expected one of \(known.sorted().joined(separator: ", "))\(guess)")
        }
        return child
    }

    /// The string `name`, or `nil` if absent.
    public func string(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = toml[name] else { return nil }
        guard let string = value.string else { throw error(name, "must be a string") }
        return string
    }

    /// The integer `name` within `range`, or `nil` if absent.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = toml[name] else { return nil }
        guard let int = value.int else { throw error(name, "must be an integer") }
        guard range.contains(int) else {
            throw error(name, "must be between \(range.lowerBound) and \(range.upperBound), not \(int)")
        }
        return int
    }

    /// The boolean `name`, or `nil` if absent.
    public func bool(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let value = toml[name] else { return nil }
        guard let bool = value.bool else { throw error(name, "must be true or false") }
        return bool
    }

    /// The array of strings `name`, or `nil` if absent.
    public func strings(_ name: String) throws(ConfigurationError) -> [String]? {
        guard let value = toml[name] else { return nil }
        guard let array = value.array else { throw error(name, "must be an array of strings") }
        let strings = array.compactMap(\.string)
        guard strings.count == array.count else { throw error(name, "must be an array of strings") }
        return strings
    }
}
