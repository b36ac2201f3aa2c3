import ArgumentParser
import KitchenDemo

/// The `switchyard` command-line tool: a thin layer over the library.
@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Backends on two tracks: Multi-Agent and Pipeline.",
        subcommands: [Demo.self]
    )
}

extension Switchyard {
    /// `switchyard demo`: the kitchen Multi-Agent demo, on an embedded setup with no API key.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the kitchen Multi-Agent demo (no API key needed: LLM agents fall back).",
            discussion: """
                A ticker drives services in a small restaurant; two pure-logic agents (stock, demand), \
                one LLM agent (pricing) and a coordinator with an 800 ms collection window decide \
                restocks, price changes and what to take off the menu. Each directive is printed \
                with the agents it heard from.
                """
        )

        @OptionGroup var options: KitchenDemoOptions

        func run() async throws {
            try await options.runDemo()
        }
    }
}
