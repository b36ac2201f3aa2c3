/// Edits a shared file: a feature's entries for an anchor sit between its begin and end
/// markers, inserted (the first time) right before the anchor line, indented like it; later
/// builds replace them where they are. Other features' entries and everything outside the
/// markers are left as they are.
enum SharedFile {
    /// The lines of `feature`'s entries for `anchor` in `lines`, markers included.
    private static func block(
        of feature: String, _ anchor: String, in lines: [String], path: String
    ) throws(BuildRefusal) -> ClosedRange<Int>? {
        let begin = SharedMarkers.begin(feature, anchor, path: path)
        let end = SharedMarkers.end(feature, anchor, path: path)
        guard let start = lines.firstIndex(where: { $0.trimmingSpaces == begin }) else { return nil }
        guard let stop = lines[start...].firstIndex(where: { $0.trimmingSpaces == end }) else {
            throw BuildRefusal(
                .missingAnchor, path: path,
                "`\(begin)` (line \(start + 1)) has no `\(end)`: restore the marker, then build again")
        }
        return start...stop
    }

    private static func splitLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// `feature`'s entries for `anchor` in `text`, unindented; `nil` when it has none.
    static func entries(of feature: String, _ anchor: String, in text: String, path: String) -> String? {
        let lines = splitLines(text)
        guard let range = try? block(of: feature, anchor, in: lines, path: path) else { return nil }
        let indent = lines[range.lowerBound].prefix { $0 == " " }.count
        return lines[(range.lowerBound + 1)..<range.upperBound].map { line in
            line.prefix(indent).allSatisfy { $0 == " " } ? String(line.dropFirst(min(indent, line.count))) : line
        }.joined(separator: "\n")
    }

    /// Every anchor `feature` has entries for in `text`.
    static func anchors(of feature: String, in text: String, path: String) -> [String] {
        let prefix = "\(SharedMarkers.commentPrefix(forPath: path)) switchyard:begin \(feature) "
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingSpaces
            return trimmed.hasPrefix(prefix) ? String(trimmed.dropFirst(prefix.count)) : nil
        }
    }

    /// `text` with `feature`'s entries for `anchor` set to `body` (`nil`: removed).
    /// - Throws: when the anchor is missing, or a begin marker has no end.
    static func apply(
        _ body: String?, feature: String, anchor: String, to text: String, path: String
    ) throws(BuildRefusal) -> String {
        var lines = splitLines(text)
        let existing = try block(of: feature, anchor, in: lines, path: path)
        guard let body else {
            if let existing { lines.removeSubrange(existing) }
            return lines.joined(separator: "\n")
        }
        let at: Int
        if let existing {
            // Replaced where they are, so the order of features stays.
            at = existing.lowerBound
        } else {
            let marker = SharedMarkers.anchor(anchor, path: path)
            guard let line = lines.firstIndex(where: { $0.trimmingSpaces == marker }) else {
                throw BuildRefusal(
                    .missingAnchor, path: path,
                    "no `\(marker)` line, where \(feature)'s entries go: add it back (`switchyard new` writes it)")
            }
            at = line
        }
        let indent = String(lines[at].prefix { $0 == " " })
        if let existing { lines.removeSubrange(existing) }
        let block =
            [indent + SharedMarkers.begin(feature, anchor, path: path)]
            + splitLines(body).map { $0.isEmpty ? "" : indent + $0 }
            + [indent + SharedMarkers.end(feature, anchor, path: path)]
        lines.insert(contentsOf: block, at: at)
        return lines.joined(separator: "\n")
    }
}
