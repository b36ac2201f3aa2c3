import ArgumentParser
import KitchenDemo
import Logging

/// The kitchen Multi-Agent demo as its own executable (also `switchyard demo`).
@main
struct KitchenDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kitchen-demo", abstract: "Run the kitchen Multi-Agent demo.")

    @OptionGroup var options: KitchenDemoOptions

    func run() async throws {
        try await options.runDemo()
    }
}
