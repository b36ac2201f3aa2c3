import Foundation
import SwitchyardConfiguration
import Testing

struct ConfigurationFileTests {
    let text = """
        # a comment
        [server]
        port = 8080
        host = "127.0.0.1"

        [plans.free]   # the free plan
        features = ["summaries"]
        limit = 20
        """

    @Test func typedReadsReturnTheValuesAndNilForAbsentKeys() throws {
        let file = try ConfigurationFile(text: text)
        let server = try #require(try file.root.table("server", known: ["port", "host"]))
        #expect(try server.int("port", in: 1...65_535) == 8080)
        #expect(try server.string("host") == "127.0.0.1")
        #expect(try server.bool("stream") == nil)
        let free = try #require(try file.root.table("plans")?.table("free"))
        #expect(free.key == "plans.free")
        #expect(try free.strings("features") == ["summaries"])
        #expect(try file.root.table("database") == nil)
    }

    @Test func anUnknownKeyNamesItsDottedKeyAndLineAndSuggestsTheClosest() throws {
        let file = try ConfigurationFile(text: "[server]\nprot = 1\n", path: "app.toml")
        #expect {
            try file.root.table("server", known: ["port", "host"])
        } throws: {
            let error = $0 as? ConfigurationError
            return error?.file == "app.toml" && error?.key == "server.prot" && error?.line == 2
                && error?.message.hasSuffix("did you mean port?") == true
        }
    }

    @Test func aRefusedKeyGetsItsOwnMessage() throws {
        let file = try ConfigurationFile(text: "[session]\nsecret = \"hunter2hunter2\"\n")
        #expect {
            try file.root.table("session", known: ["secret_env"], refused: ["secret": "secrets do not belong in files"])
        } throws: {
            let error = $0 as? ConfigurationError
            return error?.key == "session.secret" && error?.message == "secrets do not belong in files"
                && error?.description.contains("hunter2") == false
        }
    }

    @Test func wrongTypesAndRangesAreRefusedWithTheKeysLine() throws {
        let file = try ConfigurationFile(text: "[workers]\nconcurrency = \"four\"\nmax_attempts = 0\nlist = [1]\n")
        let workers = try #require(try file.root.table("workers"))
        #expect(throws: ConfigurationError(key: "workers.concurrency", line: 2, message: "must be an integer")) {
            try workers.int("concurrency", in: 1...10)
        }
        #expect(
            throws: ConfigurationError(key: "workers.max_attempts", line: 3, message: "must be between 1 and 10, not 0")
        ) {
            try workers.int("max_attempts", in: 1...10)
        }
        #expect(throws: ConfigurationError(key: "workers.list", line: 4, message: "must be an array of strings")) {
            try workers.strings("list")
        }
        #expect(throws: ConfigurationError(key: "workers.list", line: 4, message: "must be true or false")) {
            try workers.bool("list")
        }
    }

    @Test func unknownTablesAndLooseKeysAreRefused() throws {
        let misspelt = try ConfigurationFile(text: "[sever]\nport = 1\n")
        #expect {
            try misspelt.checkTables(known: ["server", "llm"])
        } throws: {
            let error = $0 as? ConfigurationError
            return error?.key == "sever" && error?.line == 1
                && error?.message.hasSuffix("did you mean [server]?") == true
        }
        let loose = try ConfigurationFile(text: "port = 1\n")
        #expect(throws: ConfigurationError.self) { try loose.checkTables(known: ["server"]) }
        try ConfigurationFile(text: "[server]\n[llm]\n").checkTables(known: ["server", "llm"])
    }

    @Test func aSyntaxErrorNamesItsLine() {
        #expect {
            try ConfigurationFile(text: "[server]\nport = 1\nhost = \n", path: "x.toml")
        } throws: {
            let error = $0 as? ConfigurationError
            return error?.file == "x.toml" && error?.line == 3
        }
    }

    @Test func readTextSaysWhyAFileCannotBeRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            try ConfigurationFile.readText(path: folder.appendingPathComponent("none.toml").path)
        } throws: { ($0 as? ConfigurationError)?.message.hasSuffix("no such file") == true }
        #expect {
            try ConfigurationFile.readText(path: folder.path)
        } throws: { ($0 as? ConfigurationError)?.message.hasSuffix("it is a folder, not a file") == true }
        let binary = folder.appendingPathComponent("binary.toml")
        try Data([0xFF, 0xFE, 0x00]).write(to: binary)
        #expect {
            try ConfigurationFile.readText(path: binary.path)
        } throws: { ($0 as? ConfigurationError)?.message.contains("not UTF-8") == true }
    }

    @Test func errorsRememberWhereInTheCodeTheyWereMadeButCompareWithoutIt() {
        let error = ConfigurationError(key: "a", message: "m")
        #expect(error.sourceFileID.hasSuffix("ConfigurationFileTests.swift"))
        #expect(error == ConfigurationError(key: "a", message: "m", sourceFileID: "Other/File.swift", sourceLine: 1))
    }

    @Test func suggestionsAreUniqueAndClose() {
        #expect(closestName(to: "prot", in: ["port", "host"]) == "port")
        #expect(closestName(to: "zzzzzz", in: ["port", "host"]) == nil)
        // Two candidates equally close: no guess.
        #expect(closestName(to: "bat", in: ["cat", "hat"]) == nil)
    }

    @Test func environmentVariableNamesAreUpperCaseLettersDigitsAndUnderscores() {
        #expect(isEnvironmentVariableName("ANTHROPIC_API_KEY"))
        #expect(isEnvironmentVariableName("_X1"))
        #expect(!isEnvironmentVariableName("1X"))
        #expect(!isEnvironmentVariableName("sk-ant-123"))
        #expect(!isEnvironmentVariableName(""))
    }
}
