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

@Suite struct BodyLimitMiddlewareTests {
    @Test func aBodyOverTwoMegabytesIsA413NamingTheLimitNotA500() async throws {
        let pipeline = try TestPipeline()
        let huge = bytes(3 * 1024 * 1024)
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            for (uri, headers) in [
                ("/notes", [:]), ("/api/echo", pipeline.bearer("ada")),
                ("/api/echo", pipeline.bearer("ada", idempotencyKey: "k1")),
            ] {
                try await client.execute(uri: uri, method: .post, headers: headers, body: huge) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    let error = try errorBody(response)
                    #expect(error.code == "payload_too_large")
                    #expect(error.message == "the request body is larger than this route's limit of 2097152 bytes")
                    #expect(error.details?["limit_bytes"] == "2097152")
                    #expect(error.route == uri)
                }
            }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }

    @Test func eachRouteReadsUpToItsConfiguredLimit() async throws {
        let pipeline = try TestPipeline()
        let limits = BodyLimits(standard: 1000, routes: ["notes": 40, "/api/echo/": 50])
        try await Application(router: pipeline.edgeRouter(bodyLimits: limits)).test(.router) { client in
            let cases: [(uri: String, headers: HTTPFields, limit: Int, fits: HTTPResponse.Status)] = [
                ("/notes", [:], 40, .created), ("/api/echo", pipeline.bearer("ada"), 50, .accepted),
                ("/api/echo", pipeline.bearer("ada", idempotencyKey: "k2"), 50, .accepted), ("/login", [:], 1000, .ok),
            ]
            for (uri, headers, limit, fits) in cases {
                try await client.execute(uri: uri, method: .post, headers: headers, body: bytes(limit + 1)) {
                    response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    let error = try errorBody(response)
                    #expect(error.details?["limit_bytes"] == "\(limit)")
                }
                try await client.execute(uri: uri, method: .post, headers: headers, body: bytes(limit)) { response in
                    #expect(response.status == fits, "\(uri)")
                }
            }
        }
        #expect(try await pipeline.jobs.counts().map(\.count).reduce(0, +) == 2)
    }

    /// A handler that reads less than its route allows gets NIO's error: a 413 too.
    @Test func aHandlersOwnSmallerLimitIsA413NotA500() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            try await client.execute(uri: "/tiny", method: .post, body: body("123456789")) { response in
                #expect(response.status == .contentTooLarge)
                let error = try errorBody(response)
                #expect(error.code == "payload_too_large")
            }
            try await client.execute(uri: "/tiny", method: .post, body: body("12345678")) { response in
                #expect(String(buffer: response.body) == "12345678")
            }
        }
    }
}
