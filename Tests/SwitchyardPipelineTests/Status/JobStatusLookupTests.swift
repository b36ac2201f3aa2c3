import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchyardPipeline
import SwitchyardPipelineTesting
import Testing

@Suite struct JobStatusLookupTests {
    /// The status body's keys come from the context's snake_case encoder, not hand-written
    /// coding keys: a camelCase key on the wire fails this.
    @Test func aJobsStatusIsSnakeCaseJSON() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            let id = try await JobOwnershipTests.enqueue("hi", as: "ada", pipeline: pipeline, client: client)
            try await JobOwnershipTests.completeAll(pipeline.jobs)
            try await client.execute(uri: "/api/echo/\(id)", method: .get, headers: pipeline.bearer("ada")) {
                response in
                #expect(response.status == .ok)
                let json = try jsonBody(response)
                #expect(
                    Set(json.keys)
                        == [
                            "attempt", "created_at", "finished_at", "job_id", "max_attempts", "result", "status",
                            "worker",
                        ])
                #expect((json["result"] as? [String: Any])?["text"] as? String == "hi")
            }
        }
    }
}
