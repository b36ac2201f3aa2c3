import SwiftSyntax

// Files as a whole: conflict markers left by a merge, placeholders left by the builder.

enum FileRules {
    // MARK: SY-CHECK-014

    static func conflictMarkers(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.conflictMarkers
        var findings: [RawFinding] = []
        for file in context.textFiles {
            let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
            var index = 0
            while index < lines.count {
                guard isMarker(lines[index], "<") else {
                    index += 1
                    continue
                }
                let start = index
                let middle = lines[(start + 1)...].firstIndex { isMarker($0, "=") }
                let end = middle.flatMap { middle in lines[(middle + 1)...].firstIndex { isMarker($0, ">") } }
                guard let end else { break }
                findings.append(
                    RawFinding(
                        rule: rule, path: file.path, line: start + 1, column: 1,
                        message:
                            "merge conflict markers (lines \(start + 1)–\(end + 1)): resolve the conflict, then build again",
                        declaration: "\(file.path)#conflict\(findings.count + 1)"))
                index = end + 1
            }
        }
        return findings
    }

    /// Seven `character`s at the line's start, then the end of the line or a space.
    private static func isMarker(_ line: Substring, _ character: Character) -> Bool {
        let line = line.hasSuffix("\r") ? line.dropLast() : line
        guard line.prefix(7).allSatisfy({ $0 == character }), line.count >= 7 else { return false }
        let rest = line.dropFirst(7)
        return rest.isEmpty || rest.first == " "
    }

    // MARK: SY-CHECK-015

    static func placeholder(_ context: CheckContext) -> [RawFinding] {
        let rule = CheckRule.placeholder
        var findings: [RawFinding] = []
        for source in context.sources {
            for call in source.tree.descendants(FunctionCallExprSyntax.self)
            where call.calledName == "unimplemented" && call.calledBase == "Placeholder" {
                let strings = call.unlabeledArguments.map { $0.expression.as(StringLiteralExprSyntax.self)?.plainText }
                let planLine = strings.first.flatMap { $0 } ?? "an unnamed plan line"
                var summary = strings.count > 1 ? strings[1] ?? "" : ""
                if summary.count > 100 { summary = String(summary.prefix(99)) + "…" }
                var finding = source.finding(
                    rule, at: call,
                    "placeholder for \(planLine)\(summary.isEmpty ? "" : ": \(summary)") (returns a default until the logic is written)"
                )
                finding.declaration += "@\(planLine)"
                findings.append(finding)
            }
        }
        return findings
    }
}
