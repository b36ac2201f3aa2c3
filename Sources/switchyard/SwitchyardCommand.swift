import ArgumentParser
import Foundation
import KitchenDemo
import Logging
import SwitchyardFakeLLM
import SwitchyardModel

/// The `switchyard` command-line tool: a thin layer over the library.
@main
struct SwitchyardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Backends on two tracks: Multi-Agent and Pipeline.",
        subcommands: [NewCommand.self, PlanCommand.self, Build.self, CheckCommand.self, Demo.self, FakeLLM.self]
    )
}

extension SwitchyardCommand {
    /// `switchyard demo`: the kitchen Multi-Agent demo, on an embedded setup with no API key.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the kitchen Multi-Agent demo (no API key needed: LLM agents fall back).",
            discussion: """
                A ticker drives services in a small restaurant; two pure-logic agents (stock, demand), \
                one LLM agent (pricing) and a coordinator with an 800 ms collection window decide \
                restocks, price changes and what to take off the menu. Each directive is printed, in \
                service order, with the agents it heard from. Ctrl-C (SIGINT) or SIGTERM stops it \
                gracefully, prints the state so far and exits with 128 + the signal's number; a \
                failure of the supervisor tree exits with 1.
                """
        )

        @OptionGroup var options: KitchenDemoOptions

        func run() async throws {
            try await options.runDemo()
        }
    }
}

extension SwitchyardCommand {
    /// `switchyard fake-llm`: a local server speaking the Anthropic and OpenAI protocols.
    struct FakeLLM: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fake-llm",
            abstract: "Serve fake Anthropic (/v1/messages) and OpenAI (/v1/chat/completions) endpoints, with faults.",
            discussion: """
                Each reply is the first JSON value in the request's last message (or "ok"), so agents that \
                show the model an example of the JSON they want get a parsable answer. With --faults, every \
                --fault-every-th request gets the next fault of the list instead. Faults: \
                \(FakeLLMServer.Fault.allCases.map(\.rawValue).joined(separator: ", ")).
                """
        )

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on.")
        var port = 8089

        @Option(help: "Comma-separated faults to inject in turn.")
        var faults: String?

        @Option(help: "Inject a fault on every n-th request.")
        var faultEvery = 2

        func validate() throws {
            guard faultEvery >= 1 else { throw ValidationError("--fault-every must be at least 1") }
            _ = try parsedFaults()
        }

        func parsedFaults() throws -> [FakeLLMServer.Fault] {
            guard let faults else { return [] }
            return try faults.split(separator: ",").map { name in
                guard let fault = FakeLLMServer.Fault(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError(
                        "unknown fault \"\(name)\"; known: \(FakeLLMServer.Fault.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                return fault
            }
        }

        func run() async throws {
            let server = FakeLLMServer(
                otherwise: .respond(FakeLLMServer.echoFirstJSON), faults: try parsedFaults(), faultEvery: faultEvery)
            try await server.run(host: host, port: port) { port in
                print(
                    "fake LLM server on http://\(host):\(port)  (Anthropic: /v1/messages, OpenAI: /v1/chat/completions)"
                )
                print("try: swift run switchyard demo --llm-provider anthropic --llm-base-url http://\(host):\(port)")
                print("stop it with Ctrl-C (or `kill %1` if you started it in the background with &)")
            }
        }
    }
}
