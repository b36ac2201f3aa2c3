import Foundation
import SwitchyardBuilder
import Testing

/// The plan format's restricted Markdown, read with a position for every item.
@Suite struct MarkdownDocumentTests {
    static let plan = """
        ---
        feature: greenhouse-climate     # the feature branch is feature/{feature}
        track: Multi-Agent
        app: Greenhouse
        ---
        # Greenhouse climate control
        Free text: the why.

        ## State
        | field | type | initial | description |
        |---|---|---|---|
        | temperature | Double | 21 | air temperature, °C |
        | heater_on | Bool | false | |

        ### Updates
        | on | does | publishes |
        |---|---|---|
        | greenhouse:tick | read the sensors | greenhouse:reading |

        ## Ticker
        - every: 5s
        - publishes: greenhouse:tick

        ## Tables
        ### documents
        | column | type |
        |---|---|
        | a \\| b | TEXT |
        Indexes: (owner, created_at)
        - a bullet that is not a field
        """

    @Test func frontMatterFieldsKeepTheirPositionsAndDropComments() {
        let document = MarkdownDocument(text: Self.plan, path: "docs/plans/greenhouse.md")
        #expect(document.diagnostics.isEmpty, "\(document.diagnostics)")
        let feature = document.field("FEATURE")
        #expect(feature?.value == "greenhouse-climate")
        #expect(feature?.position.description == "docs/plans/greenhouse.md:2:1")
        #expect(feature?.valuePosition.column == 10)
        #expect(document.field("track")?.value == "Multi-Agent")
        #expect(document.title == "Greenhouse climate control")
        // Prose stays prose: a key is one word.
        #expect(document.preamble.fields.isEmpty)
        #expect(document.preamble.lines.map(\.text) == ["Free text: the why."])
    }

    @Test func sectionsSubsectionsAndTablesHaveLinesAndColumns() throws {
        let document = MarkdownDocument(text: Self.plan, path: "plan.md")
        #expect(document.sections.map(\.title) == ["State", "Ticker", "Tables"])
        let state = try #require(document.section("state"))
        #expect(state.position.line == 9 && state.position.column == 4)
        let table = try #require(state.tables.first)
        #expect(table.header.map(\.text) == ["field", "type", "initial", "description"])
        #expect(
            table.rows.map { $0.map(\.text) } == [
                ["temperature", "Double", "21", "air temperature, °C"], ["heater_on", "Bool", "false", ""],
            ])
        let type = table.rows[1][try #require(table.column(named: "Type"))]
        #expect(type.position.line == 13 && type.position.column == 15)
        let updates = try #require(state.subsection("Updates"))
        #expect(updates.tables.first?.rows.first?.first?.text == "greenhouse:tick")
        #expect(updates.tables.first?.position.line == 16)
    }

    @Test func bulletsFieldsAndLinesAreTold() throws {
        let document = MarkdownDocument(text: Self.plan, path: "plan.md")
        let ticker = try #require(document.section("Ticker"))
        #expect(ticker.fields.map { "\($0.key)=\($0.value)" } == ["every=5s", "publishes=greenhouse:tick"])
        #expect(ticker.field("every")?.position.column == 3)
        let documents = try #require(document.section("Tables")?.subsection("documents"))
        #expect(documents.tables.first?.rows.first?.first?.text == "a | b")
        #expect(documents.field("Indexes")?.value == "(owner, created_at)")
        #expect(documents.bullets.map(\.text) == ["a bullet that is not a field"])
        #expect(documents.bullets.first?.position.column == 3)
    }

    @Test func aValuesPositionIgnoresIndentationAndTrailingSpaces() throws {
        let document = MarkdownDocument(text: "## A\n  - every:   5s   \n", path: "p.md")
        let every = try #require(document.section("A")?.field("every"))
        #expect(every.value == "5s")
        #expect(every.position.column == 5)
        #expect(every.valuePosition.column == 14)
    }

    /// A `#` between blanks starts a comment; one in prose (`bed #3`) is kept.
    @Test(arguments: [
        ("- window: 800ms   # agrees with the plan", "800ms"), ("- window: 800ms #", "800ms"),
        ("- fallback: water bed #3 first", "water bed #3 first"), ("- fallback: a#b", "a#b"),
        ("- fallback: x\t# tab", "x"),
    ])
    func aCommentIsAHashBetweenBlanks(_ line: String, _ value: String) throws {
        let document = MarkdownDocument(text: "## A\n\(line)\n", path: "p.md")
        #expect(document.section("A")?.fields.first?.value == value)
    }

    @Test func trackInTheBodyCountsInBoldOrPlain() {
        for line in ["Track: Pipeline", "**Track**: Pipeline", "- track: Pipeline"] {
            let document = MarkdownDocument(text: "# Plan\n\(line)\n", path: "p.md")
            #expect(document.field("track")?.value == "Pipeline", "\(line)")
        }
    }

    @Test func formProblemsAreDiagnosedWithTheirPosition() {
        let cases: [(String, String)] = [
            ("---\nfeature: x\n", "p.md:1:1: the front matter (---) is never closed"),
            ("## A\n| a | b |\n| 1 | 2 |\n", "p.md:2:1: a table needs a separator row (|---|) right after its header"),
            ("## A\n| a | b |\n|---|---|\n| 1 |\n", "p.md:4:1: this row has 1 cell; the header has 2"),
            ("### Orphan\n", "p.md:1:5: a `###` subsection before any `##` section"),
            ("## A\n```swift\nlet x = 1\n", "p.md:2:1: a code fence (```) is never closed"),
            ("---\nnot a field\n---\n", "p.md:2:1: front matter holds `key: value` lines only"),
        ]
        for (text, expected) in cases {
            let document = MarkdownDocument(text: text, path: "p.md")
            #expect(document.diagnostics.map(\.description) == [expected], "\(text)")
        }
    }

    @Test func fencedCodeIsSkipped() {
        let document = MarkdownDocument(
            text: "## A\n```markdown\n## Not a section\n- every: 5s\n```\n- every: 1s\n", path: "p.md")
        #expect(document.sections.map(\.title) == ["A"])
        #expect(document.section("A")?.fields.map(\.value) == ["1s"])
    }

    /// Arbitrary text never stops the reader: it ends with a document and diagnostics.
    @Test func arbitraryTextNeverCrashes() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let pieces = [
            "|", "\\", "-", "#", "## ", "### ", "---", "```", ":", "**", " ", "\n", "a", "_", "é", "\r\n", "*",
        ]
        var diagnosed = 0
        for _ in 0..<2000 {
            let text = (0..<Int(next() % 60)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
            let document = MarkdownDocument(text: text, path: "fuzz.md")
            diagnosed += document.diagnostics.isEmpty ? 0 : 1
            for diagnostic in document.diagnostics {
                #expect(diagnostic.position.line >= 1 && diagnostic.position.column >= 1)
            }
        }
        #expect(diagnosed > 0)
    }
}

extension MarkdownDocumentTests {
    /// CRLF plans read as LF ones; a lone CR (or NEL, LS, PS) ends a line too, so no cell can
    /// carry a line break into generated code.
    @Test(arguments: ["\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"])
    func everyLineBreakEndsALine(_ lineBreak: String) throws {
        let text = "---\nfeature: f\n---\n## A\n| a | b |\n|---|---|\n| x | y |\n".replacingOccurrences(
            of: "\n", with: lineBreak)
        let document = MarkdownDocument(text: text, path: "p.md")
        #expect(document.diagnostics.isEmpty, "\(document.diagnostics)")
        #expect(document.field("feature")?.value == "f")
        let table = try #require(document.section("A")?.tables.first)
        #expect(table.rows.map { $0.map(\.text) } == [["x", "y"]])
        #expect(table.rows.first?.first?.position.line == 7)
        let injected = MarkdownDocument(text: "## A\n- fallback: x\rpublic let pwned = 1\n", path: "p.md")
        #expect(injected.section("A")?.field("fallback")?.value == "x")
    }
}
