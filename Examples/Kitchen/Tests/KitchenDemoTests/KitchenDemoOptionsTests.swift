import ArgumentParser
import Testing

@testable import KitchenDemo

@Suite struct KitchenDemoOptionsTests {
    @Test(arguments: [
        (["--interval", "inf"], "--interval"),
        (["--interval", "1e300"], "--interval"),
        (["--interval", "0.0001"], "--interval"),
        (["--interval", "nan"], "--interval"),
        (["--model-timeout", "1e19"], "--model-timeout"),
        (["--model-timeout", "-1"], "--model-timeout"),
        (["--model-timeout", "0.8"], "--model-timeout"),  // not shorter than the 800 ms window
        (["--window", "0"], "--window"),
        (["--window", "9223372036854775807"], "--window"),
        (["--ticks", "0"], "--ticks"),
    ])
    func anOutOfRangeNumberIsRefusedNamingItsOption(arguments: [String], option: String) throws {
        let error = #expect(throws: (any Error).self) { try KitchenDemoOptions.parse(arguments) }
        let message = KitchenDemoOptions.message(for: try #require(error))
        #expect(message.contains(option), "\(message)")
    }

    @Test func theModelTimeoutDefaultsToThreeQuartersOfTheWindow() throws {
        let defaults = try KitchenDemoOptions.parse([]).configuration()
        #expect(defaults.window == .milliseconds(800))
        #expect(defaults.modelTimeout == .milliseconds(600))
        #expect(defaults.interval == .milliseconds(500))
        let set = try KitchenDemoOptions.parse(["--interval", "0.1", "--window", "2000", "--model-timeout", "1.5"])
            .configuration()
        #expect(set.interval == .milliseconds(100))
        #expect(set.modelTimeout == .milliseconds(1500))
    }
}
