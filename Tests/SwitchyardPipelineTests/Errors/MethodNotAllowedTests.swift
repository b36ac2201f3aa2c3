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

@Suite struct MethodNotAllowedTests {
    @Test func aWrongMethodOnAKnownPathIs405WithAllow() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.edgeRouter()).test(.router) { client in
            let cases: [(String, HTTPRequest.Method, String, String)] = [
                ("/api/echo", .get, "POST", "/api/echo"), ("/api/echo/7", .delete, "GET", "/api/echo/{id}"),
                ("/whoami", .post, "GET", "/whoami"), ("/notes", .put, "POST", "/notes"),
                ("/notes", .options, "POST", "/notes"),
            ]
            for (uri, method, allow, route) in cases {
                try await client.execute(uri: uri, method: method, headers: pipeline.bearer("ada")) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow)
                    let error = try errorBody(response)
                    #expect(error.code == "method_not_allowed")
                    #expect(error.route == route)
                }
            }
            try await client.execute(uri: "/nowhere", method: .put) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.allow] == nil)
            }
            // The right method still reaches its handler.
            try await client.execute(uri: "/whoami", method: .get) { #expect(String(buffer: $0.body) == "anonymous") }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }
}
