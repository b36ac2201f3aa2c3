import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchyardConfiguration
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Testing

@Suite struct RootMiddlewareTests {
    @Test func anonymousRequestsPassAndValidSessionsEnrichTheContext() async throws {
        let pipeline = try TestPipeline()
        let cookie = "session=\(pipeline.signer.issue(subject: "grace"))"
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(uri: "/whoami", method: .get) { response in
                #expect(String(buffer: response.body) == "anonymous")
                #expect(response.headers[.init("X-Request-Id")!]?.isEmpty == false)
            }
            try await client.execute(uri: "/whoami", method: .get, headers: pipeline.bearer("ada")) { response in
                #expect(String(buffer: response.body) == "ada")
            }
            try await client.execute(uri: "/whoami", method: .get, headers: [.cookie: cookie]) { response in
                #expect(String(buffer: response.body) == "grace")
            }
            // The scheme is case-insensitive.
            let token = pipeline.signer.issue(subject: "ada")
            for scheme in ["bearer", "BEARER", "bEaReR"] {
                try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "\(scheme) \(token)"])
                { response in
                    #expect(String(buffer: response.body) == "ada")
                }
            }
        }
    }

    @Test func badTokensAreRejectedNotDowngradedToAnonymous() async throws {
        let pipeline = try TestPipeline()
        let token = pipeline.signer.issue(subject: "ada")
        try await Application(router: pipeline.router()).test(.router) { client in
            for bad in [
                "Bearer \(token)x", "Bearer not-a-token", "Basic YWRhOnB3", "Bearer", "Bearer ", "Bearerx\(token)",
                "Bearer\t\(token)",
            ] {
                try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: bad]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    let error = try errorBody(response)
                    #expect(error.code == "invalid_session")
                    #expect(error.route == "/whoami")
                    #expect(!error.requestID.isEmpty)
                }
            }
            pipeline.time.advance(3601)
            try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                response in
                #expect(response.status == .unauthorized)
                let code_ = try errorBody(response).code
                #expect(code_ == "session_expired")
            }
        }
    }

    @Test func theAPIContextExistsOnlyForAuthenticatedCallers() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(uri: "/api/echo", method: .post, body: body(#"{"text":"hi"}"#)) { response in
                #expect(response.status == .unauthorized)
                let error = try errorBody(response)
                #expect(error.code == "unauthenticated")
                #expect(error.hint != nil)
            }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }

    @Test func serverFaultsAre500sThatRevealNothing() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(!text.contains("SELECT") && !text.contains("hunter2") && !text.contains("SecretLeak"))
                let code_ = try errorBody(response).code
                #expect(code_ == "internal_error")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try errorBody(response)
                #expect(error.code == "not_found")
                #expect(error.route == "/nowhere")
            }
        }
    }
}
