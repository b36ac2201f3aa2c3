import Foundation
import SwitchyardBuilder
import Testing

/// The plan reader on whole documents: the Examples' plans, regressions of questions asked
/// twice, and a fuzz run.
@Suite struct PlanReaderTests {
    static let examples = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Examples")
        .standardized

    static func read(_ plan: String, decisions: String? = nil) -> PlanReading {
        PlanReader.read(
            plan: MarkdownDocument(text: plan, path: "docs/plans/f.md"),
            decisions: decisions.map { MarkdownDocument(text: $0, path: "docs/decisions/f.md") })
    }

    @Test(arguments: [("Kitchen", "kitchen-service"), ("Summaries", "summaries")])
    func theExamplesPlansReadWithoutQuestions(_ example: String, _ feature: String) throws {
        let reading = try PlanDocuments(feature: feature, root: Self.examples.appending(path: example)).read()
        #expect(reading.escalations.map(\.id) == [String]())
        let plan = try #require(reading.plan)
        #expect(plan.feature == feature)
        if let agents = plan.multiAgent {
            #expect(agents.agents.map(\.name) == ["stock_watcher", "demand_forecaster", "pricing_advisor"])
            #expect(agents.coordinator?.window.value == .milliseconds(800))
            #expect(plan.decisions.window?.value == .milliseconds(800))
        } else {
            let pipeline = try #require(plan.pipeline)
            #expect(
                pipeline.endpoints.map(\.route) == [
                    "POST /api/summaries", "GET /api/summaries/{id}", "POST /api/keywords",
                ])
            #expect(pipeline.endpoints[0].body?.map(\.name) == ["text", "sentences"])
            #expect(pipeline.workers.map(\.kind) == [.durable, .inProcess])
        }
    }

    static let twoOutputs = """
        ---
        feature: f
        track: Multi-Agent
        app: F
        domain: f
        ---
        ## State
        | field | type | initial |
        |---|---|---|
        | t | Double | 0 |
        ### Updates
        | on | does | publishes |
        |---|---|---|
        | f:tick | read | f:reading |
        ## Topics
        | topic | message | fields |
        |---|---|---|
        | f:tick | Tick | number: UInt64 |
        | f:reading | Reading | t: Double |
        ## Ticker
        - every: 1s
        - publishes: f:tick
        ## Agents
        | agent | kind | trigger | responsibility | output |
        |---|---|---|---|---|
        | guard | pure | f:reading | heat and water | heat(on: Bool), water(beds: [String]) |
        ## Coordinator
        - trigger: f:reading
        - window: 1s
        - expects: guard
        - directive: Directive(on: Bool)
        - decides: rules
        """

    /// An agent whose row has its own question is not "undefined" where it is named.
    @Test func aRowWithAQuestionIsNotAlsoUndefinedWhereItIsNamed() {
        let reading = Self.read(Self.twoOutputs, decisions: "- store: sqlite")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-017"])
    }

    @Test func aMisspeltDecisionIsInvalidNotMissing() {
        let plan = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)")
        let clean = Self.read(plan, decisions: "- store: sqlite")
        #expect(clean.escalations.map(\.rule) == [])
        let reading = Self.read(
            plan.replacingOccurrences(of: "decides: rules", with: "decides: model\n- fallback: x"),
            decisions: "- model: m\n- provider: antropic")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-027"])
        #expect(reading.escalations.first?.options == ["anthropic"])
    }

    @Test func aMissingWindowOffersTheDecidedOneAndNothingElse() {
        let plan = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)"
        ).replacingOccurrences(of: "- window: 1s\n", with: "")
        let reading = Self.read(plan, decisions: "- window: 800ms")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-018"])
        #expect(reading.escalations.first?.options == ["800ms"])
    }

    @Test func anAnswerToARuleThatTakesNoneSaysSo() {
        let plan =
            Self.twoOutputs
            + "\n## Clarifications\n| rule | subject | answer |\n|---|---|---|\n| SY-PLAN-017 | agent guard | split it |\n"
        let reading = Self.read(plan, decisions: "- store: sqlite")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-017", "SY-PLAN-032"])
        #expect(reading.escalations.last?.question.contains("cannot be answered") == true)
    }

    /// The ticker publishes the runtime's `Tick`: a ticker topic with another message is asked
    /// about at its row, with the form to write.
    @Test(arguments: ["| f:tick | Pulse | number: UInt64 |", "| f:tick | Tick | n: Int |"])
    func aTickerTopicMustCarryTheRuntimesTick(_ row: String) {
        let valid = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)")
        #expect(Self.read(valid, decisions: "- store: sqlite").escalations.isEmpty)
        let reading = Self.read(
            valid.replacingOccurrences(of: "| f:tick | Tick | number: UInt64 |", with: row),
            decisions: "- store: sqlite")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-008"])
        #expect(reading.escalations.first?.position.line == 18)
        #expect(reading.escalations.first?.options == ["Tick | number: UInt64"])
        #expect(reading.plan == nil)
    }

    /// A written value that is not of its type is asked about where it is written, never
    /// generated as the type's default; a type with no written form says so.
    @Test(arguments: [
        ("| t | Double | 0 |", "| t | Double | 12.5x |", "`12.5x` is not a value of type `Double`"),
        ("| t | Double | 0 |", "| t | Date | 0 |", "`Date` has no written form"),
        ("| t | Double | 0 |", "| t | Date? | none |", nil),
        ("| t | Double | 0 |", "| t | [String: Int] | {a: 1, b: x} |", "is not a value of type `[String: Int]`"),
        ("| t | Double | 0 |", "| t | State? | none |", "a state cannot contain itself"),
    ])
    func aWrittenValueMustBeOfItsType(_ row: String, _ replacement: String, _ question: String?) {
        let valid = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)")
        let plan = valid.replacingOccurrences(of: row, with: replacement)
        #expect(plan != valid)
        let reading = Self.read(plan, decisions: "- store: sqlite")
        if let question {
            #expect(reading.escalations.map(\.rule) == ["SY-PLAN-008"])
            #expect(reading.escalations.first?.question.contains(question) == true, "\(reading.escalations)")
            #expect(reading.escalations.first?.position.line == 10)
        } else {
            #expect(reading.escalations.isEmpty, "\(reading.escalations)")
        }
    }

    @Test func aContentCellMustBeOfItsColumnsType() {
        let valid = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)")
        let content =
            "## Content\n### Beds\n| name:String | area:Double |\n|---|---|\n| north | 4.5 |\n| south | wide |\n"
        let plan = valid.replacingOccurrences(of: "## State\n", with: content + "## State\n")
        let reading = Self.read(plan, decisions: "- store: sqlite")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-008"])
        #expect(reading.escalations.first?.subject == "content Beds south area")
        #expect(reading.escalations.first?.position.line == 12)
        #expect(reading.escalations.first?.position.column == 11)
    }

    /// The file's name and the front matter's `feature` must agree (the branch and manifest
    /// use one, the code and placeholders the other).
    @Test func theFrontMattersFeatureMustBeTheFilesName() {
        let valid = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)")
        let reading = Self.read(valid.replacingOccurrences(of: "feature: f\n", with: "feature: g\n"))
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-008"])
        #expect(reading.escalations.first?.options == ["f"])
        #expect(reading.escalations.first?.position.line == 2)
        #expect(reading.escalations.first?.position.column == 10)
    }

    /// A topic's source must name who publishes it.
    @Test(arguments: [
        ("ticker", "state", "| f:reading | Reading | t: Double | ticker |"),
        ("external", "ticker", "| f:tick | Tick | number: UInt64 | external |"),
    ])
    func aTopicsSourceMustBeItsPublisher(_ written: String, _ actual: String, _ row: String) {
        let valid = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)"
        )
        .replacingOccurrences(
            of: "| topic | message | fields |\n|---|---|---|",
            with: "| topic | message | fields | source |\n|---|---|---|---|"
        )
        .replacingOccurrences(
            of: "| f:tick | Tick | number: UInt64 |", with: "| f:tick | Tick | number: UInt64 | ticker |"
        )
        .replacingOccurrences(
            of: "| f:reading | Reading | t: Double |", with: "| f:reading | Reading | t: Double | state |")
        #expect(Self.read(valid, decisions: "- store: sqlite").escalations.isEmpty)
        let original =
            row.hasPrefix("| f:tick")
            ? "| f:tick | Tick | number: UInt64 | ticker |" : "| f:reading | Reading | t: Double | state |"
        let reading = Self.read(valid.replacingOccurrences(of: original, with: row), decisions: "- store: sqlite")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-008"])
        #expect(reading.escalations.first?.question.contains("source says \(written)") == true)
        #expect(reading.escalations.first?.options == [actual])
    }

    /// Two statements that disagree are asked about, never settled by order: a track given
    /// twice, a front-matter key given twice, a second table in a section, and a row for a
    /// topic the runtime implies.
    @Test(arguments: [
        ("track: Multi-Agent\n", "track: Multi-Agent\ntrack: Pipeline\n", "front matter track"),
        ("## Ticker\n", "## Ticker\nTrack: Pipeline\n", "track"),
        (
            "| guard | pure | f:reading | heat and water | heat(on: Bool) |\n",
            "| guard | pure | f:reading | heat and water | heat(on: Bool) |\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "agents table 2"
        ),
        (
            "| f:reading | Reading | t: Double |\n",
            "| f:reading | Reading | t: Double |\n| f:state_changed | Changed | t: Double |\n", "topic f:state_changed"
        ),
    ])
    func twoStatementsThatDisagreeAreAQuestion(_ original: String, _ replacement: String, _ subject: String) {
        let valid =
            Self.twoOutputs.replacingOccurrences(
                of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)") + "\n"
        #expect(Self.read(valid, decisions: "- store: sqlite").escalations.isEmpty)
        let plan = valid.replacingOccurrences(of: original, with: replacement)
        #expect(plan != valid)
        let reading = Self.read(plan, decisions: "- store: sqlite")
        #expect(
            reading.escalations.contains { $0.rule == "SY-PLAN-009" && $0.subject == subject }, "\(reading.escalations)"
        )
        #expect(reading.plan == nil)
    }

    /// Seeded mutations of the Examples' plans: the reader never crashes, and a plan comes back
    /// only when nothing is asked.
    @Test func mutatedPlansNeverCrashTheReader() throws {
        let texts = try [("Kitchen", "kitchen-service"), ("Summaries", "summaries")].map { example, feature in
            try String(
                contentsOf: Self.examples.appending(path: "\(example)/docs/plans/\(feature).md"), encoding: .utf8)
        }
        var generator = SeededGenerator(seed: 15)
        let alphabet = Array("|:-#()[]{},`*\\ \n?<>0aZ_")
        for round in 0..<600 {
            var characters = Array(texts[round % 2])
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                let at = Int.random(in: 0..<characters.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: characters.remove(at: at)
                case 1: characters.insert(alphabet.randomElement(using: &generator)!, at: at)
                default: characters[at] = alphabet.randomElement(using: &generator)!
                }
            }
            let reading = Self.read(String(characters))
            #expect((reading.plan == nil) == !reading.escalations.isEmpty)
        }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible fuzz runs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension PlanReaderTests {
    /// Types nest at most four deep (deeper is not of the form, and would cost the generator and
    /// swift-syntax time exponential in the depth); a file nested deeper still scans for types.
    @Test func typesNestAtMostFourDeep() {
        #expect(PlanType(parsing: "[[String: [[Int]]]]") != nil)
        #expect(PlanType(parsing: "[[[[[Int]]]]]") == nil)
        #expect(
            PlanType(parsing: String(repeating: "[", count: 5000) + "Int" + String(repeating: "]", count: 5000)) == nil)
    }
}

extension PlanReaderTests {
    /// A content table's title names a Swift type and a file: words only, and not one of
    /// Swift's or the runtime's names.
    @Test(arguments: ["Plants (2024)", "2024 Plants", "Plants/Evil", "Strings", "States", "Ticks"])
    func aContentTitleMustMakeATypeName(_ title: String) {
        let valid = Self.twoOutputs.replacingOccurrences(
            of: "heat(on: Bool), water(beds: [String])", with: "heat(on: Bool)")
        let content = "## Content\n### \(title)\n| name:String |\n|---|\n| north |\n"
        let reading = Self.read(
            valid.replacingOccurrences(of: "## State\n", with: content + "## State\n"), decisions: "- store: sqlite")
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-005"], "\(reading.escalations)")
        #expect(reading.escalations.first?.subject == "content \(title)")
    }
}
