import Foundation
import SwitchyardConfiguration
import SwitchyardPipeline
import SwitchyardTesting
import Testing

@Suite struct ConfigurationTests {
    func refusal(_ text: String, otherTables: Set<String> = ["llm"]) -> ConfigurationError? {
        do {
            _ = try PipelineConfiguration.parse(text, otherTables: otherTables)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyTableIsCheckedAndAMisspeltOneIsNamed() throws {
        let misspelt = try #require(refusal("[sever]\nport = 9000\n"))
        #expect(
            misspelt.description
                == "switchyard.toml (line 1, sever): unknown table [sever]; expected one of auth, database, llm, plans, server, session, workers — did you mean [server]?"
        )
        #expect(refusal("[database]\npath = \"a\"\n\n[pipeline]\nx = 1\n")?.line == 4)
        let loose = try #require(refusal("port = 9000\n[server]\n"))
        #expect(loose.key == "port" && loose.line == 1 && loose.message.contains("outside any table"))
        // Tables read by others are named; unnamed, they are refused too.
        #expect(refusal("[llm]\nprovider = \"anthropic\"\n") == nil)
        #expect(refusal("[llm]\nprovider = \"anthropic\"\n", otherTables: [])?.key == "llm")
    }

    @Test func aSecretPastedWhereItsVariableBelongsIsRefusedWithoutBeingRepeated() throws {
        let pasted = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo="
        let error = try #require(refusal("[session]\nsecret_env = \"\(pasted)\"\n"))
        #expect(error.key == "session.secret_env" && error.line == 2)
        #expect(!error.description.contains(pasted) && !error.description.contains("Zm9v"))
        #expect(refusal("[session]\nsecret_env = \"MY_APP_SECRET_2\"\n") == nil)
    }

    @Test func thePortIsOneTo65535() {
        for port in [0, 65_536, 70_000, -1] {
            let error = refusal("[server]\nport = \(port)\n")
            #expect(error?.key == "server.port" && error?.line == 2)
            #expect(error?.message == "must be between 1 and 65535, not \(port)")
        }
        #expect(refusal("[server]\nport = 65535\n") == nil)
        #expect(refusal("[server]\nhost = \"\"\n")?.key == "server.host")
    }

    @Test func bodyLimitsAndTheModelTimeoutAreRead() throws {
        let configuration = try PipelineConfiguration.parse(
            """
            [server]
            max_body_bytes = 65536
            [server.body_limits]   # per route
            "/auth/login" = 4096
            "/api/summaries/{id}/" = 100
            [workers]
            model_timeout_seconds = 5
            """)
        #expect(
            configuration.server.bodyLimits
                == BodyLimits(standard: 65_536, routes: ["/auth/login": 4096, "/api/summaries/{id}": 100]))
        #expect(configuration.server.bodyLimits.limit(forRoute: "/api/summaries/{id}") == 100)
        #expect(configuration.server.bodyLimits.limit(forRoute: "/health") == 65_536)
        #expect(configuration.server.bodyLimits.limit(forRoute: nil) == 65_536)
        #expect(configuration.workers.modelTimeout == .seconds(5))
        #expect(PipelineConfiguration().workers.modelTimeout == .seconds(30))
        #expect(PipelineConfiguration().server.bodyLimits.standard == 2 * 1024 * 1024)

        let cases: [(String, Int, String)] = [
            ("[server]\nmax_body_bytes = 0\n", 2, "server.max_body_bytes"),
            ("[server.body_limits]  # x\n\"auth/login\" = 10\n", 2, "server.body_limits.auth/login"),
            ("[server.body_limits]\n\"/auth/login\" = \"4k\"\n", 2, "server.body_limits./auth/login"),
            ("[server]\nbody_limits = 5\n", 2, "server.body_limits"),
            ("[workers]\nmodel_timeout_seconds = 0\n", 2, "workers.model_timeout_seconds"),
        ]
        for (text, line, key) in cases {
            let error = refusal(text)
            #expect(error?.key == key, "\(text)")
            #expect(error?.line == line, "\(text)")
        }
    }

    @Test func aBodyLimitForARouteThatDoesNotExistIsRefused() throws {
        var configuration = PipelineConfiguration()
        configuration.server.bodyLimits[route: "/api/sumaries"] = 10
        let routes = ["/api/summaries", "/api/summaries/{id}", "/auth/login"]
        #expect(
            throws: ConfigurationError(
                key: "server.body_limits./api/sumaries", message: "no such route — did you mean \"/api/summaries\"?")
        ) {
            try configuration.checkBodyLimitRoutes(routes)
        }
        configuration.server.bodyLimits[route: "/api/sumaries"] = nil
        configuration.server.bodyLimits[route: "/auth/login"] = 10
        try configuration.checkBodyLimitRoutes(routes)
    }

    @Test func anUnreadableFileOrDatabasePathIsNamedWithItsReason() throws {
        let folder = try temporaryFolder("configuration")
        let missing = folder.appendingPathComponent("nope.toml").path
        #expect(
            throws: ConfigurationError(
                file: missing, key: nil, message: "cannot read the configuration file: no such file")
        ) {
            try PipelineConfiguration.load(path: missing)
        }
        #expect(
            throws: ConfigurationError(
                file: folder.path, key: nil, message: "cannot read the configuration file: it is a folder, not a file")
        ) {
            try PipelineConfiguration.load(path: folder.path)
        }
        let bad = folder.appendingPathComponent("bad.toml")
        try "[server]\nprot = 1\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try PipelineConfiguration.load(path: bad.path) }
        do {
            _ = try PipelineConfiguration.load(path: bad.path)
        } catch {
            #expect(error.description.hasPrefix("\(bad.path) (line 2, server.prot): unknown key"))
        }

        var configuration = PipelineConfiguration()
        configuration.databasePath = folder.appendingPathComponent("absent/app.sqlite").path
        #expect(
            throws: ConfigurationError(
                key: "database.path",
                message:
                    "cannot create \(configuration.databasePath): the folder \(folder.appendingPathComponent("absent").path) does not exist"
            )
        ) {
            try configuration.checkDatabasePath()
        }
        configuration.databasePath = folder.path
        #expect(
            throws: ConfigurationError(
                key: "--database", message: "\(folder.path) is a folder; name the SQLite file in it")
        ) {
            try configuration.checkDatabasePath(key: "--database")
        }
        configuration.databasePath = folder.appendingPathComponent("app.sqlite").path
        try configuration.checkDatabasePath()
    }
}
