import Foundation
import SwitchyardFakeLLM
import SwitchyardModel
import SwitchyardTesting
import Testing

extension ChildProcess {
    /// `switchyard` with `arguments`, its standard output and error merged.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(builtExecutable("switchyard"), arguments: arguments, environment: environment)
    }
}

@Suite struct DemoProcessTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func theDemoStopsPromptlyOnASignalWhileTheModelHangs(signal: Int32) async throws {
        let server = FakeLLMServer(otherwise: .fault(.noAnswer))
        try await server.withRunning { baseURL in
            let child = try ChildProcess(
                [
                    "demo", "--ticks", "1000", "--interval", "0.1", "--window", "300", "--llm-provider", "anthropic",
                    "--llm-base-url", baseURL, "--config", "/nonexistent/switchyard.toml",
                ],
                environment: ["ANTHROPIC_API_KEY": "test-key"])
            defer { child.kill() }
            // The first directive: the tree runs, and so does the signal handling.
            let first = try await child.line(within: .seconds(60)) { $0.hasPrefix("tick ") }
            #expect(first?.contains("pricing_advisor (fallback)") == true, "\(first ?? "no directive")")
            kill(child.process.processIdentifier, signal)
            let (reason, status) = try await child.exit(within: .seconds(30))
            #expect(reason == .exit)
            #expect(status == 128 + signal)
            let rest = await child.lines.collected()
            #expect(rest.contains { $0.hasPrefix("stopped by SIG") }, "\(rest)")
        }
    }

    @Test(arguments: [
        ["--interval", "inf"], ["--interval", "1e300"], ["--interval", "0.0001"], ["--model-timeout", "1e19"],
    ])
    func anOutOfRangeNumberIsAUsageErrorNotACrash(arguments: [String]) async throws {
        let child = try ChildProcess(["demo", "--ticks", "1"] + arguments)
        defer { child.kill() }
        let (reason, status) = try await child.exit(within: .seconds(60))
        let output = await child.lines.collected()
        #expect(reason == .exit)
        #expect(status == 64, "\(output)")
        #expect(output.contains { $0.contains(arguments[0]) }, "\(output)")
    }
}
