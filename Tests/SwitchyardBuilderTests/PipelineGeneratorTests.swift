import Foundation
import Testing

@testable import SwitchyardBuilder

/// The Pipeline generator beyond the Summaries example (whose golden is in
/// ExampleBuildGoldenTests): every form of the plan format it generates (PipelinePlans/, the
/// widget-reports plan), the limits it reads, and the questions it asks instead of generating
/// what it cannot.
@Suite struct PipelineGeneratorTests {
    static let plans = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "PipelinePlans")

    static func widgetReports() throws -> (plan: String, decisions: String) {
        (
            try String(contentsOf: plans.appending(path: "docs/plans/widget-reports.md"), encoding: .utf8),
            try String(contentsOf: plans.appending(path: "docs/decisions/widget-reports.md"), encoding: .utf8)
        )
    }

    static func scratch(_ plan: String, feature: String = "widget-reports", decisions: String = "- store: sqlite\n")
        throws -> ScratchApp
    {
        try ScratchApp(plan: plan, feature: feature, decisions: decisions, app: "Summ", track: .pipeline)
    }

    @Test func everyFormOfTheWidgetPlanIsGenerated() async throws {
        let (plan, decisions) = try Self.widgetReports()
        let app = try Self.scratch(plan, decisions: decisions)
        let outcome = try await app.builder.build("widget-reports")
        #expect(outcome.exitStatus(for: .write) == 0, "\(outcome.refusals) \(outcome.escalations)")
        #expect(outcome.commits.map(\.stage) == ["schema", "utilities", "workers-and-proxies", "middleware", "config"])

        let schema = try app.read("Sources/Summ/Schema/WidgetReportsSchema.swift")
        #expect(schema.contains("    title TEXT NOT NULL DEFAULT 'untitled',"))
        #expect(schema.contains("    report_id INTEGER NOT NULL REFERENCES widget_reports(id) ON DELETE CASCADE,"))
        #expect(schema.contains("CREATE INDEX widget_reports_owner_created_at ON widget_reports (owner, created_at);"))
        #expect(schema.contains("CREATE INDEX widget_tags_report_id ON widget_tags (report_id);"))
        #expect(schema.contains(#"    "order" INTEGER NOT NULL DEFAULT 0"#), "SQL's keywords are quoted as names")

        let payload = try app.read("Sources/Summ/Utilities/BuildReportPayload.swift")
        #expect(payload.contains(#"case dueAt = "due_at""#), "a job's payload keeps the body's snake_case keys")
        #expect(payload.contains("private enum ConvertedKeys: String, CodingKey {"))
        #expect(payload.contains("guard let startsAt = try? Date(startsAtText, strategy: .iso8601) else {"))
        #expect(payload.contains("guard (1...80).contains(title.count) else {"))
        #expect(payload.contains("?? 10"))
        #expect(payload.contains("guard tags.count <= 5 else {"))
        #expect(payload.contains("self.weight = min(max(weight, 0.0), 1.0)"))
        let score = try app.read("Sources/Summ/Utilities/ScoreReportPayload.swift")
        #expect(score.contains("guard reportId >= 1 else {"))
        #expect(score.contains("guard note.utf8.count <= 200 else {"))
        #expect(score.contains("let defaultValue = try container.decodeIfPresent(Int.self, forKey: .`default`)"))
        #expect(score.contains("self.`default` = defaultValue"))

        let worker = try app.read("Sources/Summ/Workers/ScoreReportWorker.swift")
        #expect(worker.contains("public static let attempts = 3"))
        #expect(worker.contains("if error is CancellationError || attempt >= Self.attempts { throw error }"))
        #expect(try app.read("Sources/Summ/Workers/PruneReportsWorker.swift").contains(".seconds(3600)"))

        let proxies = try app.read("Sources/Summ/Proxies/WidgetReportsProxies.swift")
        #expect(proxies.contains(#"statusPath: "/v1/reports")"#))
        #expect(proxies.contains("prune_reports") == false, "no proxy for a worker no route uses")
        #expect(proxies.contains("pruneReportsWorker, store: backend.jobs"), "its pool runs all the same")

        let routes = try app.read("Sources/Summ/Middleware/WidgetReportsRoutes.swift")
        #expect(routes.contains("cost: { _ in 3 }, charging: .byProxy"))
        #expect(routes.contains("cost: { _ in 1 }, charging: .beforeHandler"))
        #expect(routes.contains(".add(middleware: BodyLimitMiddleware(BodyLimits(standard: 4096)))"))
        #expect(routes.contains(".put(use: putV1Reports.handle)"))
        #expect(routes.contains(".patch(use: patchV1Score.handle)"))

        let config = try app.read("switchyard.toml")
        #expect(config.contains("[plans.team]\nfeatures = [\"reports\", \"scoring\"]\nlimit = 50\nperiod = \"hour\"\n"))
        #expect(try app.read("Sources/Summ/Application.swift").contains("widgetReportsFeature.addRoutes(to: router)"))
    }

    @Test func aSecondFeatureKeepsTheFirstsEntries() async throws {
        let summaries = try String(
            contentsOf: Self.plans.appending(path: "../../../Examples/Summaries/docs/plans/summaries.md"),
            encoding: .utf8
        ).replacingOccurrences(of: "app: SummariesAPI", with: "app: Summ")
        let app = try Self.scratch(summaries, feature: "summaries")
        #expect(try await app.builder.build("summaries").exitStatus(for: .write) == 0)
        let (plan, decisions) = try Self.widgetReports()
        try app.write("docs/plans/widget-reports.md", plan)
        try app.write("docs/decisions/widget-reports.md", decisions)
        try app.commitAll("plan: widget-reports")
        let second = try await app.builder.build("widget-reports")
        #expect(second.exitStatus(for: .write) == 0, "\(second.refusals)")
        let application = try app.read("Sources/Summ/Application.swift")
        #expect(application.contains("summariesFeature.addRoutes(to: router)"))
        #expect(application.contains("widgetReportsFeature.addRoutes(to: router)"))
        let config = try app.read("switchyard.toml")
        #expect(config.contains("[plans.pro]") && config.contains("[plans.team]"))
    }

    /// Plans are app-wide tables of switchyard.toml: a second feature defining a plan of the
    /// same name is refused (the file would not parse), writing nothing.
    @Test func aSecondFeaturesPlanOfTheSameNameIsRefused() async throws {
        let summaries = try String(
            contentsOf: Self.plans.appending(path: "../../../Examples/Summaries/docs/plans/summaries.md"),
            encoding: .utf8
        ).replacingOccurrences(of: "app: SummariesAPI", with: "app: Summ")
        let app = try Self.scratch(summaries, feature: "summaries")
        #expect(try await app.builder.build("summaries").exitStatus(for: .write) == 0)
        let (plan, decisions) = try Self.widgetReports()
        try app.write("docs/plans/widget-reports.md", plan.replacingOccurrences(of: "| team |", with: "| pro |"))
        try app.write("docs/decisions/widget-reports.md", decisions)
        try app.commitAll("plan: widget-reports, with a pro plan")
        let before = try app.snapshot()
        let second = try await app.builder.build("widget-reports")
        #expect(second.refusals.map(\.reason) == [.invalidConfiguration], "\(second.refusals)")
        #expect(second.refusals.first?.path == "switchyard.toml")
        #expect(try app.snapshot() == before)
    }

    // MARK: - Limits

    /// The limits read from `text`, in a line: `length 1...80 characters`, `clamp 1...20`, `default 3`, `body 4096`.
    static func describe(_ text: String, type: PlanType) throws -> String {
        let limits = try PipelineFieldLimits.parse(text, type: type).get()
        var parts: [String] = []
        if let length = limits.length {
            parts.append(
                "length \(length.minimum.map(String.init) ?? "")...\(length.maximum.map(String.init) ?? "") \(length.unit)"
            )
        }
        if let range = limits.range { parts.append("range \(range.minimum ?? "")...\(range.maximum ?? "")") }
        if let clamp = limits.clamp { parts.append("clamp \(clamp.minimum ?? "")...\(clamp.maximum ?? "")") }
        if let value = limits.defaultValue { parts.append("default \(value)") }
        if let bytes = limits.bodyLimit { parts.append("body \(bytes)") }
        return parts.joined(separator: " ")
    }

    @Test(arguments: [
        ("1…100000 characters", "String", "length 1...100000 characters"),
        ("at most 50 items", "[String]", "length ...50 items"),
        ("at least 2 bytes", "String?", "length 2... bytes"),
        ("clamped to 1…20; default 3", "Int?", "clamp 1...20 default 3"),
        ("1..20", "Int", "range 1...20"),
        ("0.5...2", "Double", "range 0.5...2.0"),
        ("at most 7", "UInt64", "range ...7"),
        ("the route's body limit, 262144 bytes", "String", "body 262144"),
        ("262144 bytes", "String", "body 262144"),
        ("default \"hi\"", "String", "default \"hi\""),
        ("—", "String", ""),
    ])
    func limitsAreRead(_ text: String, _ type: String, _ expected: String) throws {
        let parsed = try #require(PlanType(parsing: type))
        let limits = try Self.describe(text, type: parsed)
        #expect(limits == expected)
    }

    @Test(arguments: [
        ("short and sweet", "String"),
        ("clamped to 1…20", "String"),
        ("1…20 characters", "Int"),
        ("the route's body limit", "String"),
        ("default many", "Int"),
        ("20…1", "Int"),
    ])
    func limitsTheBuilderCannotCheckAreQuestions(_ text: String, _ type: String) throws {
        let parsed = try #require(PlanType(parsing: type))
        #expect(throws: (any Error).self) { try Self.describe(text, type: parsed) }
    }

    // MARK: - Questions

    static let base = """
        ---
        feature: notes
        track: Pipeline
        app: Summ
        ---
        # Notes

        ## Tables
        ### notes_items
        | column | type | constraints |
        |---|---|---|
        | id | INTEGER | primary key |

        ## Plans
        | plan | features | limit | period |
        |---|---|---|---|
        | free | notes | 5 | day |

        ## Endpoints
        | method | path | feature | cost | worker | mode |
        |---|---|---|---|---|---|
        | POST | /api/notes | notes | 1 | note | enqueue |
        | GET | /api/notes/{id} | notes | 0 | note | status |

        ### POST /api/notes
        | field | type | required | limits |
        |---|---|---|---|
        | text | String | yes | 1…10 characters |

        ## Workers
        | worker | kind | payload | result | attempts | timeout | processing |
        |---|---|---|---|---|---|---|
        | note | durable | text: String | id: Int | 2 | 5s | Store the note |

        """

    /// (what the plan asks, the edit that asks it, the rule, the subject)
    static let questions: [(String, [(String, String)], String, String)] = [
        ("a monthly plan", [("| 5 | day |", "| 5 | month |")], "SY-PLAN-008", "plan free period"),
        (
            "a limit it cannot check", [("| 1…10 characters |", "| short |")], "SY-PLAN-008",
            "body POST /api/notes field text limits"
        ),
        (
            "a body field the payload lacks",
            [
                (
                    "| text | String | yes | 1…10 characters |",
                    "| text | String | yes | 1…10 characters |\n| tag | String | yes | |"
                )
            ],
            "SY-PLAN-030", "body POST /api/notes field tag payload"
        ),
        (
            "a body type the payload does not have", [("| text | String | yes |", "| text | String? | yes |")],
            "SY-PLAN-030", "body POST /api/notes field text type"
        ),
        (
            "an enqueue without a status route", [("| GET | /api/notes/{id} | notes | 0 | note | status |\n", "")],
            "SY-PLAN-030", "endpoint POST /api/notes status"
        ),
        (
            "a GET that forwards a body",
            [("| POST | /api/notes |", "| GET | /api/notes |"), ("### POST /api/notes", "### GET /api/notes")],
            "SY-PLAN-030", "endpoint GET /api/notes method"
        ),
        (
            "a path parameter the proxy would drop",
            [
                ("| POST | /api/notes |", "| POST | /api/{book}/notes |"),
                ("### POST /api/notes", "### POST /api/{book}/notes"),
            ], "SY-PLAN-031", "endpoint POST /api/{book}/notes parameters"
        ),
        ("the accounts' table", [("### notes_items", "### users")], "SY-PLAN-009", "table users"),
        (
            "the app's own route", [("/api/notes |", "/health |"), ("### POST /api/notes", "### POST /health")],
            "SY-PLAN-009", "endpoint POST /health path"
        ),
        (
            "a Duration in a body",
            [
                (
                    "| text | String | yes | 1…10 characters |",
                    "| text | String | yes | 1…10 characters |\n| wait | Duration | yes | |"
                ), ("text: String |", "text: String, wait: Duration |"),
            ], "SY-PLAN-008", "worker note payload field wait type"
        ),
        (
            "a Duration in a result", [("| id: Int |", "| id: Int, took: Duration |")], "SY-PLAN-008",
            "worker note result field took type"
        ),
        (
            "an optional field with no value", [("| text | String | yes |", "| text | String | no |")], "SY-PLAN-008",
            "body POST /api/notes field text required"
        ),
        (
            "SQL that ends the statement", [("| primary key |", "| primary key; drop table users |")], "SY-PLAN-008",
            "table notes_items column id"
        ),
    ]

    @Test(arguments: questions.indices)
    func whatTheGeneratorCannotBuildIsAskedAndNothingIsWritten(_ index: Int) async throws {
        let (_, edits, rule, subject) = Self.questions[index]
        var plan = Self.base
        for (old, new) in edits {
            #expect(plan.contains(old), "the edit applies")
            plan = plan.replacingOccurrences(of: old, with: new)
        }
        let app = try Self.scratch(plan, feature: "notes")
        let before = try app.snapshot()
        let head = try app.git.run(["rev-parse", "HEAD"])
        let outcome = try await app.builder.build("notes")
        #expect(outcome.exitStatus(for: .write) == 3)
        #expect(
            outcome.escalations.contains { $0.rule == rule && $0.subject == subject },
            "\(outcome.escalations.map { "\($0.rule) \($0.subject): \($0.question)" })")
        #expect(try app.snapshot() == before)
        #expect(try app.git.run(["rev-parse", "HEAD"]) == head)
    }

    @Test func thePlainPlanBuilds() async throws {
        let app = try Self.scratch(Self.base, feature: "notes")
        let outcome = try await app.builder.build("notes")
        #expect(outcome.exitStatus(for: .write) == 0, "\(outcome.escalations) \(outcome.refusals)")
    }

    @Test func aPostgresStoreIsADecisionToTake() async throws {
        let app = try Self.scratch(Self.base, feature: "notes", decisions: "- store: postgres\n")
        let outcome = try await app.builder.build("notes")
        #expect(outcome.escalations.map(\.id) == ["SY-PLAN-027 decision store"])
        #expect(outcome.escalations.first?.kind == .decision)
    }

    @Test func aClarifiedPeriodIsUsed() async throws {
        let plan =
            Self.base.replacingOccurrences(of: "| 5 | day |", with: "| 5 | month |")
            + "\n## Clarifications\n| rule | subject | answer |\n|---|---|---|\n| SY-PLAN-008 | plan free period | hour |\n"
        let app = try Self.scratch(plan, feature: "notes")
        let outcome = try await app.builder.build("notes")
        #expect(outcome.exitStatus(for: .write) == 0, "\(outcome.escalations)")
        #expect(try app.read("switchyard.toml").contains("period = \"hour\""))
    }
}
