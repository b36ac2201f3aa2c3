import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardPipelineTesting
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct SessionCookieTests {
    /// Tokens a browser may still hold: signed with the secret of a previous run, expired,
    /// or mangled.
    func staleCookies(_ pipeline: TestPipeline) throws -> [(cookie: String, code: String)] {
        let previousRun = try SessionSigner(
            secret: Array("the secret of the previous server run, 32+ bytes".utf8), now: pipeline.time.closure)
        let expiring = try SessionSigner(secret: secret, lifetime: .seconds(60), now: pipeline.time.closure).issue(
            subject: "ada")
        pipeline.time.advance(61)
        return [
            ("session=\(previousRun.issue(subject: "ada"))", "invalid_session"),
            ("session=\(expiring)", "session_expired"),
            ("session=garbage", "invalid_session"),
        ]
    }

    @Test func aStaleCookieIsIgnoredOnRoutesThatNeedNoIdentityAndCleared() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            for (cookie, _) in try staleCookies(pipeline) {
                try await client.execute(uri: "/whoami", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "anonymous")
                    let cleared = response.headers[values: .setCookie]
                    #expect(cleared.count == 1 && cleared[0].hasPrefix("session=;"))
                    #expect(cleared.first?.contains("Max-Age=0") == true && cleared.first?.contains("Path=/") == true)
                }
                try await client.execute(
                    uri: "/notes", method: .post, headers: [.cookie: cookie], body: body(#"{"text":"hi"}"#)
                ) {
                    #expect($0.status == .created)
                }
                // An error answer clears it too: a refused body, a failure.
                for (uri, status) in [("/notes", HTTPResponse.Status.badRequest), ("/boom", .internalServerError)] {
                    try await client.execute(
                        uri: uri, method: uri == "/boom" ? .get : .post, headers: [.cookie: cookie], body: body("{")
                    ) {
                        response in
                        #expect(response.status == status)
                        #expect(response.headers[values: .setCookie].first?.hasPrefix("session=;") == true, "\(uri)")
                    }
                }
                // Logging in again: the new cookie, and no clearing that would delete it.
                try await client.execute(uri: "/login", method: .post, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                    let cookies = response.headers[values: .setCookie]
                    #expect(cookies.count == 1 && cookies[0].hasPrefix("session=v1."))
                }
            }
        }
    }

    @Test func aStaleCookieOnARouteThatNeedsIdentityIsA401SayingWhy() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            for (cookie, code) in try staleCookies(pipeline) {
                try await client.execute(
                    uri: "/api/echo", method: .post, headers: [.cookie: cookie], body: body(#"{"text":"hi"}"#)
                ) {
                    response in
                    #expect(response.status == .unauthorized)
                    let error = try errorBody(response)
                    #expect(error.code == code)
                }
            }
            try await client.execute(uri: "/api/echo", method: .post, body: body(#"{"text":"hi"}"#)) { response in
                let error = try errorBody(response)
                #expect(error.code == "unauthenticated")
            }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }

    /// Documented choice: a client that sends `Authorization` means it; a bad Bearer token is
    /// a 401 even where no identity is needed.
    @Test func aBadBearerTokenIsA401EvenOnARouteThatNeedsNoIdentity() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            try await client.execute(
                uri: "/notes", method: .post, headers: [.authorization: "Bearer stale"], body: body(#"{"text":"hi"}"#)
            ) {
                response in
                #expect(response.status == .unauthorized)
                let error = try errorBody(response)
                #expect(error.code == "invalid_session")
                #expect(response.headers[.setCookie] == nil)
            }
        }
    }
}
