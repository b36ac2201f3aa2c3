import Logging
import SwitchyardPlaceholder
import SwitchyardTesting
import Testing

/// What generated logic calls until someone writes it.
@Suite struct PlaceholderTests {
    @Test func aPlaceholderReturnsItsDefaultAndWarnsOncePerPlanLine() {
        let logs = CapturedLogs()
        let line = "docs/plans/placeholder-test.md:\(Int.random(in: 1...1_000_000))"
        #expect(!Placeholder.wasCalled(line))
        for _ in 0..<3 {
            #expect(Placeholder.unimplemented(line, "count the beds", default: 7, logger: logs.logger()) == 7)
        }
        #expect(Placeholder.wasCalled(line))
        let warnings = logs.records.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["plan"] == .string(line))
        #expect(warnings.first?.metadata["logic"] == .string("count the beds"))
    }
}
