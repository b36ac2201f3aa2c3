import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct ThinProxyFromOutsideTests {
    /// Inputs a proxy that validated or branched on business rules would treat differently.
    static let inputs: [String] = {
        var inputs = [
            "", " ", "x", "DROP TABLE switchyard_jobs", "ünïcödé ✓ 🚀", "\"quoted\" \\ back", "line\nbreak", "0", "-1",
            "null",
            String(repeating: "long ", count: 2_000),
        ]
        var generator = SplitMix64(seed: 13)  // seeded: a failure names an input that reproduces
        for _ in 0..<20 {
            let length = Int.random(in: 0..<64, using: &generator)
            inputs.append(
                String(
                    (0..<length).map { _ in Character(UnicodeScalar(UInt8.random(in: 32..<127, using: &generator))) }))
        }
        return inputs
    }()

    /// Seen from the database, not from markers of the proxy's own: for any input that decodes,
    /// an enqueue proxy writes the count, the job (its payload the input, unchanged) and the
    /// ledger row naming the job — nothing else, the same statements for every input — and
    /// answers 202. A proxy that validated, branched on its input or counted usage itself fails.
    @Test func anEnqueueProxyForwardsEveryInputAndWritesExactlyTheCountTheJobAndTheLedgerRow() async throws {
        let pipeline = try TestPipeline(subscriptions: ["grace": .init(plan: "pro", status: .active)])
        let trace = try await WriteTrace(pipeline.database)
        try await Application(router: pipeline.router(charging: .byProxy)).test(.router) { client in
            for (n, text) in Self.inputs.enumerated() {
                let json = String(decoding: try JSONEncoder().encode(EchoInput(text: text)), as: UTF8.self)
                _ = trace.take()
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: pipeline.bearer("grace"), body: body(json)
                ) { response in
                    #expect(response.status == .accepted, "input \(n)")
                    let json = try jsonBody(response)
                    #expect(json["job_id"] as? Int == n + 1)
                }
                #expect(
                    trace.take() == [
                        "INSERT switchyard_usage_counters", "NEXT_ID switchyard_jobs", "INSERT switchyard_jobs",
                        "NEXT_ID switchyard_usage_ledger", "INSERT switchyard_usage_ledger",
                    ], "input \(n)")
                let job = try #require(try await pipeline.jobs.job(id: Int64(n + 1)))
                #expect(try job.decodePayload(as: EchoInput.self) == EchoInput(text: text))
            }
        }
        #expect(
            pipeline.steps.all
                == Array(repeating: [.extract, .forward, .logUsage, .respond], count: Self.inputs.count).flatMap { $0 })
        let usage = try await pipeline.meter.usage(subject: "grace", period: .day, at: pipeline.time.now)
        #expect(usage.counter == Self.inputs.count && usage.ledgerRows == Self.inputs.count)
    }
}
