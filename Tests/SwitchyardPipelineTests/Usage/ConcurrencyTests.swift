import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import SwitchyardConfiguration
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardStore

@Suite struct ConcurrencyTests {
    /// Over a live loopback server (AsyncHTTPClient): 500 concurrent requests against a limit of
    /// 100 accept exactly 100; the ledger and the counter agree.
    @Test(arguments: chargings) func fiveHundredConcurrentRequestsAgainstALimitOf100AcceptExactly100(
        charging: UsageLimitMiddleware.Charging
    ) async throws {
        let pipeline = try TestPipeline()
        let plans = ["free": Plan(name: "free", features: ["echo"], limit: UsageLimit(units: 100))]
        let headers = pipeline.bearer("ada")
        try await Application(router: pipeline.router(plans: plans, charging: charging)).test(.ahc(.http)) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<500 {
                    group.addTask {
                        try await client.execute(
                            uri: "/api/echo", method: .post, headers: headers, body: body(#"{"text":"\#(n)"}"#)
                        ) {
                            $0.status.code
                        }
                    }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(statuses == [202: 100, 429: 400])
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 100 && usage.ledgerUnits == 100 && usage.ledgerRows == 100)
        #expect(try await pipeline.jobs.counts() == [JobCount(queue: "echo", status: .pending, count: 100)])
    }
}
