/// Where something stands in a plan or decision document: the document's path, a line and a
/// column, both from 1. Escalations and lint findings name it as `path:line:column`.
public struct SourcePosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var document: String
    public var line: Int
    public var column: Int

    public init(document: String, line: Int, column: Int) {
        self.document = document
        self.line = line
        self.column = column
    }

    public var description: String { "\(document):\(line):\(column)" }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.document, lhs.line, lhs.column) < (rhs.document, rhs.line, rhs.column)
    }
}

/// A `key: value` pair: a front-matter line, a bullet (`- every: 5s`), or a line of its own
/// (`Indexes: (owner, created_at)`, `**Track**: Pipeline`).
public struct DocumentField: Hashable, Sendable {
    public var key: String
    public var value: String
    /// Where the key starts.
    public var position: SourcePosition
    /// Where the value starts.
    public var valuePosition: SourcePosition
}

/// A pipe table: its header cells and its rows, every cell with its position.
public struct DocumentTable: Hashable, Sendable {
    public struct Cell: Hashable, Sendable {
        /// The cell's text, trimmed; `\|` unescaped.
        public var text: String
        public var position: SourcePosition
    }

    public var header: [Cell]
    public var rows: [[Cell]]
    /// Where the header row starts.
    public var position: SourcePosition

    /// The index of the column named `name` (case-insensitively), if any.
    public func column(named name: String) -> Int? {
        header.firstIndex { $0.text.lowercased() == name.lowercased() }
    }
}

/// A `##` section (or a `###` subsection inside one): its fields, bullets, tables, other lines
/// and subsections, in document order.
public struct DocumentSection: Hashable, Sendable {
    /// 2 for `##`, 3 for `###`.
    public var level: Int
    public var title: String
    public var position: SourcePosition
    public var fields: [DocumentField] = []
    /// Bullets that are not `key: value` fields, trimmed, without the `- `.
    public var bullets: [DocumentTable.Cell] = []
    public var tables: [DocumentTable] = []
    /// Other non-empty lines (prose), trimmed.
    public var lines: [DocumentTable.Cell] = []
    public var subsections: [DocumentSection] = []

    /// The first field named `key` (case-insensitively).
    public func field(_ key: String) -> DocumentField? {
        fields.first { $0.key.lowercased() == key.lowercased() }
    }

    /// The first subsection titled `title` (case-insensitively).
    public func subsection(_ title: String) -> DocumentSection? {
        subsections.first { $0.title.lowercased() == title.lowercased() }
    }
}

/// Something in a document's form that is wrong (an unclosed front matter, a table row with
/// the wrong number of cells): reported with its position, never guessed around.
public struct DocumentDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public var description: String { "\(position): \(message)" }
}

/// A plan or decision document read with the restricted grammar of the plan format: front
/// matter, a `#` title, `##` sections with `###` subsections, `key: value` fields, bullets and
/// pipe tables; fenced code is skipped. Every item keeps its position.
public struct MarkdownDocument: Hashable, Sendable {
    public var path: String
    /// The front matter's fields (between the first two `---` lines).
    public var frontMatter: [DocumentField] = []
    /// The `#` title, if any.
    public var title: String?
    /// Fields written before the first `##` section (`Track: Pipeline`, `- store: sqlite`).
    public var preamble = DocumentSection(level: 1, title: "", position: .init(document: "", line: 1, column: 1))
    public var sections: [DocumentSection] = []
    /// Problems of form; the parser goes on after each.
    public var diagnostics: [DocumentDiagnostic] = []

    /// The first `##` section titled `title` (case-insensitively).
    public func section(_ title: String) -> DocumentSection? {
        sections.first { $0.title.lowercased() == title.lowercased() }
    }

    /// The value of `key` in the front matter, else in the preamble (case-insensitively).
    public func field(_ key: String) -> DocumentField? {
        frontMatter.first { $0.key.lowercased() == key.lowercased() } ?? preamble.field(key)
    }

    /// Reads `text`, the document at `path` (used in positions only). Never fails: what it
    /// cannot read is a diagnostic.
    public init(text: String, path: String) {
        self.path = path
        preamble.position = .init(document: path, line: 1, column: 1)
        var reader = Reader(document: self)
        reader.read(text)
        self = reader.finish()
    }
}
