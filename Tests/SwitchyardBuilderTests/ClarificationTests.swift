import Foundation
import SwitchyardBuilder
import Testing

/// Answers under a plan's `## Clarifications` table (`| rule | subject | answer |`): an answer
/// settles the question it names and is applied to the plan; one that settles nothing, or a second
/// answer to one question, is an escalation itself.
@Suite struct ClarificationTests {
    static let decisions = """
        # Decisions: greenhouse
        - store: sqlite
        - model: claude-3-5-haiku-20241022
        - provider: anthropic
        - window: 800ms
        """

    /// A valid Multi-Agent plan except for irrigation_planner's `trigger` and `fallback` cells,
    /// followed by the given Clarifications rows.
    static func plan(trigger: String = "greenhouse:reading", fallback: String, answers: [String]) -> String {
        var text = """
            ---
            feature: greenhouse
            track: Multi-Agent
            app: Greenhouse
            domain: greenhouse
            ---
            # Greenhouse

            ## State
            | field | type | initial | description |
            |---|---|---|---|
            | temperature | Double | 21 | air temperature, °C |

            ### Updates
            | on | does | publishes |
            |---|---|---|
            | greenhouse:tick | read the sensors | greenhouse:reading |

            ## Topics
            | topic | message | fields | source |
            |---|---|---|---|
            | greenhouse:tick | Tick | number: UInt64 | ticker |
            | greenhouse:reading | Reading | temperature: Double | state |

            ## Ticker
            - every: 5s
            - publishes: greenhouse:tick

            ## Agents
            | agent | kind | trigger | responsibility | output | fallback |
            |---|---|---|---|---|---|
            | frost_guard | pure | greenhouse:reading | Ask for heat below 5 °C | heat(on: Bool) | — |
            | irrigation_planner | llm | \(trigger) | Decide which beds to water | water(beds: [String]) | \(fallback) |

            ## Coordinator
            - trigger: greenhouse:reading
            - window: 800ms
            - expects: all
            - directive: ClimateDirective(heater_on: Bool, water: [String])
            - decides: rules

            """
        if !answers.isEmpty {
            text += "\n## Clarifications\n| rule | subject | answer |\n|---|---|---|\n"
            text += answers.map { $0 + "\n" }.joined()
        }
        return text
    }

    static func read(_ plan: String) -> PlanReading {
        PlanReader.read(
            plan: MarkdownDocument(text: plan, path: "docs/plans/greenhouse.md"),
            decisions: MarkdownDocument(text: decisions, path: "docs/decisions/greenhouse.md"))
    }

    /// The 1-based line of the first line of `text` that starts with `prefix`.
    static func line(startingWith prefix: String, in text: String) throws -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try #require(lines.firstIndex { $0.hasPrefix(prefix) })
        return index + 1
    }

    static func irrigationPlanner(_ reading: PlanReading) -> AgentPlan? {
        reading.plan?.multiAgent?.agents.first { $0.name == "irrigation_planner" }
    }

    @Test func theBasePlanIsValid() {
        let reading = Self.read(Self.plan(fallback: "water every bed", answers: []))
        #expect(reading.escalations.isEmpty)
        #expect(Self.irrigationPlanner(reading)?.fallback?.value == "water every bed")
    }

    @Test func anAnswerSuppliesAnLLMAgentsFallback() throws {
        let answer = "| SY-PLAN-016 | agent irrigation_planner | water every bed below 0.3 |"
        let unanswered = Self.read(Self.plan(fallback: "—", answers: []))
        #expect(unanswered.escalations.map(\.rule) == ["SY-PLAN-016"])

        let text = Self.plan(fallback: "—", answers: [answer])
        let reading = Self.read(text)
        #expect(reading.escalations.isEmpty)
        let fallback = try #require(Self.irrigationPlanner(reading)?.fallback)
        #expect(fallback.value == "water every bed below 0.3")
        #expect(fallback.position.line == (try Self.line(startingWith: answer, in: text)))
    }

    @Test func anAnswerNamingADefinedTopicBecomesTheAgentsTrigger() throws {
        let answer = "| SY-PLAN-010 | agent irrigation_planner trigger | greenhouse:reading |"
        let unanswered = Self.read(Self.plan(trigger: "greenhouse:readings", fallback: "water every bed", answers: []))
        #expect(unanswered.escalations.map(\.rule) == ["SY-PLAN-010"])
        #expect(unanswered.escalations.first?.subject == "agent irrigation_planner trigger")

        let text = Self.plan(trigger: "greenhouse:readings", fallback: "water every bed", answers: [answer])
        let reading = Self.read(text)
        #expect(reading.escalations.isEmpty)
        let trigger = try #require(Self.irrigationPlanner(reading)?.trigger)
        #expect(trigger.value == "greenhouse:reading")
        #expect(trigger.position.line == (try Self.line(startingWith: answer, in: text)))
    }

    /// The question stays open, asked at the answer (what is wrong now), not at the row.
    @Test func anAnswerNamingAnUndefinedTopicLeavesTheQuestionOpen() throws {
        let answer = "| SY-PLAN-010 | agent irrigation_planner trigger | greenhouse:moisture |"
        let text = Self.plan(trigger: "greenhouse:readings", fallback: "water every bed", answers: [answer])
        let reading = Self.read(text)
        #expect(reading.plan == nil)
        let escalation = try #require(reading.escalations.first { $0.rule == "SY-PLAN-010" })
        #expect(escalation.subject == "agent irrigation_planner trigger")
        #expect(escalation.position.line == (try Self.line(startingWith: answer, in: text)))
        #expect(escalation.question.contains("greenhouse:moisture"))
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-010"])
    }

    @Test func anAnswerNobodyAskedForIsAnEscalationAtItsRow() throws {
        let answer = "| SY-PLAN-016 | agent frost_guard | ask for heat |"
        let text = Self.plan(fallback: "water every bed", answers: [answer])
        let reading = Self.read(text)
        #expect(reading.plan == nil)
        #expect(reading.escalations.map(\.rule) == ["SY-PLAN-032"])
        let escalation = try #require(reading.escalations.first)
        #expect(escalation.subject == "SY-PLAN-016 agent frost_guard")
        #expect(escalation.position.document == "docs/plans/greenhouse.md")
        #expect(escalation.position.line == (try Self.line(startingWith: answer, in: text)))
    }

    @Test func twoAnswersToOneQuestionAreADuplicate() throws {
        let first = "| SY-PLAN-016 | agent irrigation_planner | water every bed |"
        let second = "| SY-PLAN-016 | agent irrigation_planner | water no bed |"
        let text = Self.plan(fallback: "—", answers: [first, second])
        let reading = Self.read(text)
        #expect(reading.plan == nil)
        let duplicates = reading.escalations.filter { $0.rule == "SY-PLAN-009" }
        try #require(duplicates.count == 1)
        #expect(duplicates[0].subject == "clarification SY-PLAN-016 agent irrigation_planner")
        #expect(duplicates[0].position.line == (try Self.line(startingWith: second, in: text)))
    }
}

extension ClarificationTests {
    /// Only a question whose site reads an answer is offered the Clarifications route: the
    /// ticker's Tick row (SY-PLAN-008, a rule that takes answers elsewhere) says to edit the plan.
    @Test func aQuestionNoAnswerCanSettleOffersOnlyTheEdit() throws {
        let plan = Self.plan(fallback: "—", answers: []).replacingOccurrences(
            of: "| greenhouse:tick | Tick | number: UInt64 | ticker |",
            with: "| greenhouse:tick | Pulse | n: Int | ticker |")
        let reading = Self.read(plan)
        let tick = try #require(reading.escalations.first { $0.rule == "SY-PLAN-008" })
        #expect(!tick.answerable)
        #expect(!tick.settle.contains("Clarifications"))
        let fallback = try #require(reading.escalations.first { $0.rule == "SY-PLAN-016" })
        #expect(fallback.answerable)
        #expect(
            fallback.settle.contains("answer under `## Clarifications`: | SY-PLAN-016 | agent irrigation_planner |"))
    }
}
