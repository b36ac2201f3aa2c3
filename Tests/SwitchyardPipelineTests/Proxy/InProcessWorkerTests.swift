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

@Suite struct InProcessWorkerTests {
    /// Never answers: waits on a stream nothing feeds until the proxy's deadline cancels it.
    struct Stalled: RequestWorker {
        let name = "stalled"
        let never = AsyncStream<Never>.makeStream()
        func handle(_ input: EchoInput) async throws -> EchoInput {
            for await _ in never.stream {}
            throw CancellationError()
        }
    }

    @Test(arguments: chargings) func aWorkerPastItsTimeoutIsA504NamingItAndCountsNothing(
        charging: UsageLimitMiddleware.Charging
    )
        async throws
    {
        let pipeline = try TestPipeline()
        let clock = MockClock()
        let router = pipelineTestRouter(sessions: pipeline.signer)
        router.apiGroup(
            subscriptions: pipeline.subscriptions, plans: testPlans, meter: pipeline.meter, charging: charging
        )
        .post("slow", use: ThinProxy.call(Stalled(), timeout: .seconds(2), meter: pipeline.meter, clock: clock).handle)
        try await Application(router: router).test(.router) { client in
            async let answer = client.execute(
                uri: "/api/slow", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"x"}"#)
            ) {
                response in (response.status, try errorBody(response))
            }
            await clock.advanceWhenSleeping(until: .init(offset: .seconds(2)))
            let (status, error) = try await answer
            #expect(status == .gatewayTimeout)
            #expect(error.code == "worker_timeout" && error.worker == "stalled" && error.route == "/api/slow")
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 0 && usage.ledgerRows == 0)
    }
}
