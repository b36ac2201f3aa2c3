import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct ServerFaultLogTests {
    @Test func aServerFaultLogsItsTypeAndASafeSummaryNeverItsDescription() async throws {
        let pipeline = try TestPipeline()
        let router = pipeline.router()
        router.get("db") { _, _ -> String in
            throw DatabaseError(
                resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE constraint failed: users.email",
                sql: "INSERT INTO users (email, password) VALUES ('ada@example.com', 'hunter2')")
        }
        let logs = CapturedLogs()
        try await Application(router: router, logger: logs.logger()).test(.router) { client in
            for uri in ["/boom", "/db"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .internalServerError) }
            }
        }
        let failures = logs.lines.filter { $0.contains("request failed") }
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0.hasPrefix("error ") })
        #expect(!logs.lines.contains { $0.contains("hunter2") || $0.contains("INSERT") || $0.contains("SELECT") })
        #expect(failures[0].contains("SwitchyardPipelineTests.SecretLeak"))
        #expect(failures[1].contains("GRDB.DatabaseError") && failures[1].contains("SQLite error 19"))
    }

    /// Switchyard's own errors log where in the code they were made (`error.source`), which
    /// the response never shows.
    @Test func aServerFaultOfOurOwnLogsWhereItWasMade() async throws {
        let pipeline = try TestPipeline()
        let router = pipeline.router()
        let thrownAt = Mutex(0)
        router.get("worker") { _, _ -> String in
            thrownAt.withLock { $0 = #line + 1 }
            throw APIError(.badGateway, code: .refused, message: "the worker failed")
        }
        let logs = CapturedLogs()
        try await Application(router: router, logger: logs.logger()).test(.router) { client in
            try await client.execute(uri: "/worker", method: .get) { response in
                #expect(response.status.code >= 500)
                #expect(!String(buffer: response.body).contains("ServerFaultLogTests"))
            }
        }
        let failure = try #require(logs.lines.first { $0.contains("request failed") })
        let line = thrownAt.withLock { $0 }
        #expect(
            failure.contains(#""error.source": SwitchyardPipelineTests/ServerFaultLogTests.swift:\#(line)"#),
            "\(failure)")
    }
}
