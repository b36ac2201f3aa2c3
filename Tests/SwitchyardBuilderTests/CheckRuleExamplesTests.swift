import SwitchyardBuilder
import Testing

/// The one generic test of every `switchyard check` rule: its clean examples yield no finding of
/// the rule; its violating examples yield findings of the rule exactly on the lines marked `// ←`.
@Suite struct CheckRuleExamplesTests {
    static let rules = CheckRule.all

    @Test(arguments: rules)
    func cleanExamplesHaveNoFindingOfTheRule(_ rule: CheckRule) {
        #expect(!rule.cleanExamples.isEmpty, "\(rule.id) needs a clean example")
        for (index, example) in rule.cleanExamples.enumerated() {
            let findings = AppChecker.check(example: example, of: rule).filter { $0.rule == rule.id }
            #expect(findings.isEmpty, "\(rule.id) clean example \(index + 1): \(findings.map(\.message))")
        }
    }

    @Test(arguments: rules)
    func violatingExamplesHaveFindingsOfTheRuleExactlyOnTheMarkedLines(_ rule: CheckRule) {
        #expect(!rule.violatingExamples.isEmpty, "\(rule.id) needs a violating example")
        for (index, example) in rule.violatingExamples.enumerated() {
            let marked = Set(
                example.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.element.hasSuffix(CheckRule.expectedMarker) }.map { $0.offset + 1 })
            #expect(!marked.isEmpty, "\(rule.id) violating example \(index + 1) marks no line")
            // Only the example's own lines: a plan-side finding (a plan topic missing) is elsewhere.
            let findings = AppChecker.check(example: example, of: rule).filter {
                $0.rule == rule.id && $0.path == AppChecker.examplePath
            }
            #expect(
                Set(findings.map(\.line)) == marked,
                "\(rule.id) violating example \(index + 1): \(findings.map { "\($0.line): \($0.message)" })")
        }
    }

    @Test func idsAreUniqueSequentialAndNamesAreKebabCase() {
        let ids = CheckRule.all.map(\.id)
        #expect(
            ids
                == (1...ids.count).map {
                    "SY-CHECK-" + String(repeating: "0", count: 3 - String($0).count) + String($0)
                })
        #expect(Set(CheckRule.all.map(\.name)).count == ids.count)
        for rule in CheckRule.all {
            #expect(rule.name.allSatisfy { $0.isLowercase || $0 == "-" }, "\(rule.name)")
            #expect(CheckRule.named(rule.name) == rule)
            #expect(CheckRule.named(rule.id.lowercased()) == rule)
        }
    }
}

extension CheckRule: CustomTestStringConvertible {
    public var testDescription: String { id }
}
