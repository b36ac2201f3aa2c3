/// The line reader behind ``MarkdownDocument``: one pass, no backtracking, a diagnostic for
/// anything out of form.
struct Reader {
    private var document: MarkdownDocument
    private var section: DocumentSection?
    private var subsection: DocumentSection?
    /// The rows of a table being read: (line number, text).
    private var tableLines: [(Int, String)] = []

    init(document: MarkdownDocument) {
        self.document = document
    }

    mutating func read(_ text: String) {
        // Every line break ends a line: LF, CRLF, a lone CR (which Swift's lexer also ends a
        // line at, so a cell could otherwise carry code out of a generated comment), NEL, LS, PS.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var index = 0
        if lines.first?.trimmingSpaces == "---" {
            index = readFrontMatter(lines)
        }
        var fence: (line: Int, marker: String)?
        while index < lines.count {
            let number = index + 1
            let line = lines[index]
            index += 1
            let trimmed = line.trimmingSpaces
            if let open = fence {
                if trimmed.hasPrefix(open.marker) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("|") {
                tableLines.append((number, line))
                continue
            }
            flushTable()
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = (number, String(trimmed.prefix(3)))
                continue
            }
            if trimmed.isEmpty { continue }
            if let (level, title, column) = heading(line) {
                startSection(level: level, title: title, at: position(number, column))
                continue
            }
            readItem(line, number: number)
        }
        flushTable()
        if let fence {
            diagnose(position(fence.line, 1), "a code fence (\(fence.marker)) is never closed")
        }
    }

    mutating func finish() -> MarkdownDocument {
        closeSection()
        return document
    }

    // MARK: - Front matter

    /// Reads the front matter that starts at the first line; returns the index after it.
    private mutating func readFrontMatter(_ lines: [String]) -> Int {
        var index = 1
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            index += 1
            let trimmed = line.trimmingSpaces
            if trimmed == "---" { return index }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let field = field(in: line, number: number, allowingBullet: false) {
                document.frontMatter.append(field)
            } else {
                diagnose(position(number, indentation(of: line) + 1), "front matter holds `key: value` lines only")
            }
        }
        diagnose(position(1, 1), "the front matter (---) is never closed")
        return lines.count
    }

    // MARK: - Sections

    private func heading(_ line: String) -> (level: Int, title: String, column: Int)? {
        guard line.hasPrefix("#") else { return nil }
        let level = line.prefix { $0 == "#" }.count
        let rest = line.dropFirst(level)
        guard rest.first == " " || rest.isEmpty else { return nil }
        let title = String(rest).trimmingSpaces
        return (level, title, level + 1 + (rest.count - rest.drop { $0 == " " }.count))
    }

    private mutating func startSection(level: Int, title: String, at position: SourcePosition) {
        switch level {
        case 1:
            if document.title == nil { document.title = title } else { diagnose(position, "a second `#` title") }
        case 2:
            closeSection()
            section = DocumentSection(level: 2, title: title, position: position)
        case 3:
            closeSubsection()
            if section == nil { diagnose(position, "a `###` subsection before any `##` section") }
            subsection = DocumentSection(level: 3, title: title, position: position)
        default:
            diagnose(position, "headings go down to `###`; this one is read as text")
            add(line: .init(text: title, position: position))
        }
    }

    private mutating func closeSubsection() {
        guard let finished = subsection else { return }
        subsection = nil
        if section != nil {
            section!.subsections.append(finished)
        } else {
            document.preamble.subsections.append(finished)
        }
    }

    private mutating func closeSection() {
        closeSubsection()
        if let finished = section { document.sections.append(finished) }
        section = nil
    }

    /// Adds to the innermost open section (or the preamble).
    private mutating func update(_ change: (inout DocumentSection) -> Void) {
        if subsection != nil {
            change(&subsection!)
        } else if section != nil {
            change(&section!)
        } else {
            change(&document.preamble)
        }
    }

    private mutating func add(line: DocumentTable.Cell) { update { $0.lines.append(line) } }

    // MARK: - Items

    private mutating func readItem(_ line: String, number: Int) {
        if let field = field(in: line, number: number, allowingBullet: true) {
            update { $0.fields.append(field) }
            return
        }
        let indent = indentation(of: line)
        let trimmed = line.trimmingSpaces
        if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed == "-" || trimmed == "*" {
            let text = String(trimmed.dropFirst()).trimmingSpaces
            let column = indent + 1 + (trimmed.count - trimmed.dropFirst().drop { $0 == " " }.count)
            let bullet = DocumentTable.Cell(text: text, position: position(number, column))
            update { $0.bullets.append(bullet) }
            return
        }
        add(line: .init(text: trimmed, position: position(number, indent + 1)))
    }

    /// `key: value`, `- key: value` or `**key**: value`, with a trailing ` # comment` dropped
    /// (a `#` between blanks: `#3` in prose is kept);
    /// the key one word of letters, digits, `_` or `-`.
    private func field(in line: String, number: Int, allowingBullet: Bool) -> DocumentField? {
        var column = indentation(of: line) + 1
        var rest = Substring(line).drop { $0 == " " || $0 == "\t" }
        if allowingBullet, rest.hasPrefix("- ") || rest.hasPrefix("* ") {
            let afterDash = rest.dropFirst(2)
            let spaces = afterDash.prefix { $0 == " " }.count
            column += 2 + spaces
            rest = afterDash.dropFirst(spaces)
        }
        var bold = false
        if rest.hasPrefix("**") {
            rest = rest.dropFirst(2)
            bold = true
        }
        let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard let first = key.first, first.isLetter else { return nil }
        rest = rest.dropFirst(key.count)
        if bold {
            guard rest.hasPrefix("**") else { return nil }
            rest = rest.dropFirst(2)
        }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst()
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let leading = rest.prefix { $0 == " " || $0 == "\t" }.count
        let valueStart = line.count - rest.count + leading + 1
        var value = String(rest.dropFirst(leading))
        // A comment is a `#` between blanks (or a blank and the line's end): `800ms  # agrees`,
        // but not `bed #3` in prose.
        let characters = Array(value)
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        if let comment = characters.indices.first(where: { index in
            characters[index] == "#" && index > 0 && isBlank(characters[index - 1])
                && (index + 1 == characters.count || isBlank(characters[index + 1]))
        }) {
            value = String(characters[..<comment])
        }
        return DocumentField(
            key: String(key), value: value.trimmingSpaces, position: position(number, column + (bold ? 2 : 0)),
            valuePosition: position(number, valueStart))
    }

    // MARK: - Tables

    private mutating func flushTable() {
        guard let (headerLine, headerText) = tableLines.first else { return }
        defer { tableLines = [] }
        let header = cells(of: headerText, line: headerLine)
        let table = position(headerLine, indentation(of: headerText) + 1)
        guard tableLines.count >= 2, isSeparator(cells(of: tableLines[1].1, line: tableLines[1].0)) else {
            diagnose(table, "a table needs a separator row (|---|) right after its header")
            return
        }
        var rows: [[DocumentTable.Cell]] = []
        for (number, text) in tableLines.dropFirst(2) {
            let row = cells(of: text, line: number)
            if row.count != header.count {
                diagnose(
                    position(number, indentation(of: text) + 1),
                    "this row has \(row.count) cell\(row.count == 1 ? "" : "s"); the header has \(header.count)")
            }
            rows.append(row)
        }
        update { $0.tables.append(DocumentTable(header: header, rows: rows, position: table)) }
    }

    private func isSeparator(_ row: [DocumentTable.Cell]) -> Bool {
        !row.isEmpty
            && row.allSatisfy { cell in
                let text = cell.text
                return !text.isEmpty && text.contains("-") && text.allSatisfy { $0 == "-" || $0 == ":" }
            }
    }

    /// The cells of a `| a | b |` row, split at each `|` that is not escaped as `\|`.
    private func cells(of text: String, line: Int) -> [DocumentTable.Cell] {
        var cells: [DocumentTable.Cell] = []
        var current = ""
        var currentStart = 0
        var escaped = false
        var sawFirstPipe = false
        for (offset, character) in text.enumerated() {
            if escaped {
                if character != "|" { current.append("\\") }
                current.append(character)
                escaped = false
                continue
            }
            if character == "\\" {
                escaped = true
                continue
            }
            if character == "|" {
                if sawFirstPipe { cells.append(cell(current, startingAt: currentStart, line: line)) }
                sawFirstPipe = true
                current = ""
                currentStart = offset + 1
                continue
            }
            current.append(character)
        }
        if escaped { current.append("\\") }
        // Text after the last pipe is a cell only when the row does not end with `|`.
        if !current.trimmingSpaces.isEmpty { cells.append(cell(current, startingAt: currentStart, line: line)) }
        return cells
    }

    private func cell(_ raw: String, startingAt offset: Int, line: Int) -> DocumentTable.Cell {
        let leading = raw.prefix { $0 == " " || $0 == "\t" }.count
        return .init(text: raw.trimmingSpaces, position: position(line, offset + leading + 1))
    }

    // MARK: - Helpers

    private func position(_ line: Int, _ column: Int) -> SourcePosition {
        .init(document: document.path, line: line, column: column)
    }

    private func indentation(of line: String) -> Int {
        line.prefix { $0 == " " || $0 == "\t" }.count
    }

    private mutating func diagnose(_ position: SourcePosition, _ message: String) {
        document.diagnostics.append(.init(position: position, message: message))
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
