/// The escalations of one reading, and the answers under the plan's `## Clarifications` that
/// settle them: a rule asks here, and gets the answer back instead of escalating when the plan
/// gives one. Answers nobody asked for are escalations themselves (``PlanRule/clarificationUnused``).
struct Questions {
    private(set) var escalations: [Escalation] = []
    private var answers: [String: (answer: Located<String>, used: Bool)] = [:]
    private var answerOrder: [(id: String, rulePosition: SourcePosition)] = []
    /// The questions (rule and subject) whose site reads an answer: only they are offered the
    /// `## Clarifications` route; a question asked where no answer is read can be settled only
    /// by an edit, whatever its rule.
    private var consulted: Set<String> = []

    /// Reads the `## Clarifications` table (columns `rule`, `subject`, `answer`).
    init(clarifications section: DocumentSection?) {
        guard let section else { return }
        for table in section.tables {
            guard let rule = table.column(named: "rule"), let subject = table.column(named: "subject"),
                let answer = table.column(named: "answer")
            else {
                ask(
                    .columnMissing, subject: "clarifications", at: table.position,
                    "the Clarifications table needs the columns rule, subject and answer")
                continue
            }
            for row in table.rows {
                let cell = { (index: Int) in index < row.count ? row[index] : nil }
                guard let ruleCell = cell(rule), let subjectCell = cell(subject), let answerCell = cell(answer)
                else { continue }
                guard let known = PlanRule.named(ruleCell.text) else {
                    ask(
                        .clarificationUnused, subject: "\(ruleCell.text) \(subjectCell.text)", at: ruleCell.position,
                        "`\(ruleCell.text)` names no rule; `switchyard plan lint --explain ID` lists them")
                    continue
                }
                let id = "\(known.id) \(subjectCell.text)"
                guard known.answerable else {
                    ask(
                        .clarificationUnused, subject: id, at: ruleCell.position,
                        "\(known.id) (\(known.name)) cannot be answered under Clarifications: edit the plan instead")
                    continue
                }
                if answers[id] != nil {
                    ask(
                        .duplicateName, subject: "clarification \(id)", at: ruleCell.position,
                        "a second answer to \(id): which one holds?")
                    continue
                }
                answers[id] = (Located(answerCell.text, at: answerCell.position), false)
                answerOrder.append((id, ruleCell.position))
            }
        }
    }

    /// Asks once: the same question (rule, subject) at the same place is not asked twice.
    mutating func ask(
        _ rule: PlanRule, subject: String, at position: SourcePosition, _ question: String, options: [String] = []
    ) {
        let escalation = Escalation(rule: rule, subject: subject, at: position, question, options: options)
        guard !escalations.contains(where: { $0.id == escalation.id && $0.position == position }) else { return }
        escalations.append(escalation)
    }

    /// The plan's answer to the question `rule` would ask about `subject`, if it gives one.
    mutating func answer(_ rule: PlanRule, subject: String) -> Located<String>? {
        let id = "\(rule.id) \(subject)"
        consulted.insert(id)
        guard let entry = answers[id] else { return nil }
        answers[id]?.used = true
        return entry.answer
    }

    /// Every escalation, with one for each answer that settled nothing, in document order.
    mutating func finish() -> [Escalation] {
        for (id, position) in answerOrder where answers[id]?.used == false {
            ask(
                .clarificationUnused, subject: id, at: position,
                "the answer to \(id) settles no open question: remove it, or check the subject")
        }
        for index in escalations.indices where !consulted.contains(escalations[index].id) {
            escalations[index].answerable = false
        }
        return escalations.sorted()
    }
}
