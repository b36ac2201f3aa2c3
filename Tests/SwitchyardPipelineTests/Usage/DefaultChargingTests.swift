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

@Suite struct DefaultChargingTests {
    /// Under the default charging, a request refused after the usage gate never holds units,
    /// so a valid request at the limit is not refused because of it.
    @Test func aRefusedRequestInFlightDoesNotTakeAValidRequestsPlace() async throws {
        let pipeline = try TestPipeline()
        let hold = HoldThenRefuse()
        let router = pipelineTestRouter(sessions: pipeline.signer)
        router.group("api", context: APIContext.self)
            .add(middleware: SetPlan(plan: Plan(name: "one", features: ["echo"], limit: UsageLimit(units: 1))))
            .add(middleware: UsageLimitMiddleware(meter: pipeline.meter))  // the default charging
            .add(middleware: hold)
            .post(
                "echo",
                use: ThinProxy<EchoInput>.enqueue(
                    to: "echo", jobs: pipeline.jobs, meter: pipeline.meter, statusPath: "/api/echo"
                ).handle)
        try await Application(router: router).test(.router) { client in
            var headers = pipeline.bearer("ada")
            headers[HTTPField.Name("X-Hold")!] = "1"
            let held = Task { [headers] in
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: headers, body: body(#"{"text":"no"}"#)
                ) { $0.status }
            }
            var arrivals = hold.arrived.makeAsyncIterator()
            await arrivals.next()
            // The held request is past the usage gate: the valid one still fits in the limit.
            try await client.execute(
                uri: "/api/echo", method: .post, headers: pipeline.bearer("ada"), body: body(#"{"text":"yes"}"#)
            ) {
                #expect($0.status == .accepted)
            }
            hold.releaseAll()
            #expect(try await held.value == .forbidden)
        }
        let usage = try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now)
        #expect(usage.counter == 1 && usage.ledgerRows == 1)
    }
}

extension DefaultChargingTests {
    /// A handler that is not a proxy, under the default charging, is counted after it answers:
    /// a retry with the same key is answered from the key, without running it again.
    @Test func aRetryOfAHandlerThatIsNotAProxyIsReplayedWithoutRunningItAgain() async throws {
        let pipeline = try TestPipeline()
        let runs = Mutex(0)
        let router = pipeline.usageGateRouter(
            plan: Plan(name: "p", features: [], limit: UsageLimit(units: 5)), charging: .byProxy
        ) {
            _, _ in
            let run = runs.withLock { runs in
                runs += 1
                return runs
            }
            return Response(
                status: .created, headers: [.location: "/things/\(run)"],
                body: .init(byteBuffer: ByteBuffer(string: "run \(run)")))
        }
        try await Application(router: router).test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/api/work", method: .post, headers: pipeline.bearer("ada", idempotencyKey: "k-7"),
                    body: body("{}")
                ) { response in
                    #expect(response.status == .created)
                    #expect(String(buffer: response.body) == "run 1" && response.headers[.location] == "/things/1")
                }
            }
        }
        #expect(runs.withLock { $0 } == 1)
        #expect(try await pipeline.meter.usage(subject: "ada", period: .day, at: pipeline.time.now).counter == 1)
    }
}
