import Foundation
import SwitchyardBuilder
import SwitchyardConfiguration
import SwitchyardTesting
import Testing

/// `switchyard check` through the library: `[check]` severities, suppressions, the three output
/// formats, exit statuses, and the apps it must pass (the Examples, generated apps).
@Suite struct CheckTests {
    static let here = URL(filePath: #filePath).deletingLastPathComponent()
    static let examples = here.appending(path: "../../Examples").standardized

    /// An agent that starts an unstructured task and swallows an error: two errors.
    static let offending = """
        struct Banner {
            func show() {
                Task { await print("hello") }
                do {
                    try render()
                } catch {}
            }
        }

        """

    static func check(_ text: String, configuration: CheckConfiguration = .init()) -> CheckResult {
        AppChecker(configuration: configuration).check(swiftFiles: ["Sources/App/Banner.swift": text])
    }

    // MARK: - Configuration

    @Test func configuredSeveritiesApplyAndOffSilencesARuleByIdOrName() throws {
        let defaults = Self.check(Self.offending)
        #expect(defaults.findings.map(\.rule) == ["SY-CHECK-004", "SY-CHECK-012"])
        #expect(defaults.findings.allSatisfy { $0.severity == .error })
        #expect(defaults.exitCode == 1)

        let configuration = try CheckConfiguration(
            toml: """
                [check]
                "SY-CHECK-004" = "off"
                silent-catch = "warning"
                """)
        let configured = Self.check(Self.offending, configuration: configuration)
        #expect(configured.findings.map(\.rule) == ["SY-CHECK-012"])
        #expect(configured.findings.first?.severity == .warning)
        #expect(configured.exitCode == 0)
    }

    @Test(arguments: [
        ("[check]\n\"SY-CHECK-099\" = \"off\"\n", "no rule named SY-CHECK-099", 2),
        ("[check]\nsilent-cach = \"off\"\n", "did you mean silent-catch?", 2),
        ("[check]\nsilent-catch = \"fatal\"\n", "must be one of \"note\", \"warning\", \"error\", \"off\"", 2),
        ("[check]\nsilent-catch = 3\n", "must be one of", 2),
        ("[check]\n\"SY-CHECK-012\" = \"off\"\nsilent-catch = \"error\"\n", "is already set by", 3),
    ])
    func anUnknownRuleOrValueIsAnErrorNamingItsLine(_ toml: String, _ expected: String, _ line: Int) {
        #expect {
            _ = try CheckConfiguration(toml: toml)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == line && "\(error)".contains(expected)
        }
    }

    @Test func anInvalidCheckTableMakesTheAppUnreadable() throws {
        let root = try temporaryFolder("switchyard-check")
        defer { try? FileManager.default.removeItem(at: root) }
        try write(root, "Sources/App/App.swift", "let answer = 42\n")
        try write(root, "switchyard.toml", "[check]\nplaceholders = \"off\"\n")
        #expect(throws: CheckFailure.self) { try AppChecker.check(root: root) }
    }

    // MARK: - Suppression

    @Test func aSuppressionWithAReasonSilencesItsRuleOnItsLineAndTheNext() {
        let result = Self.check(
            """
            func show() {
                // switchyard:ignore SY-CHECK-004 -- the banner is printed once at start-up; nothing awaits it
                Task { await print("hello") }
                do { try render() } catch {}  // switchyard:ignore silent-catch, SY-CHECK-004 -- render cannot fail here
                Task { await print("bye") }
            }
            """)
        // The third task is two lines below the first comment and one below the second, which
        // names SY-CHECK-004 too.
        #expect(result.findings.isEmpty, "\(result.findings)")
        let later = Self.check(
            """
            func show() {
                // switchyard:ignore SY-CHECK-004 -- the banner is printed once at start-up

                Task { await print("hello") }
            }
            """)
        #expect(later.findings.map(\.rule) == ["SY-CHECK-004"])
    }

    @Test func aSuppressionWithoutAReasonSuppressesNothingAndIsAFinding() {
        let result = Self.check(
            """
            func show() {
                // switchyard:ignore SY-CHECK-004
                Task { await print("hello") }
                let text = "// switchyard:ignore SY-CHECK-004 in a string is no comment"
            }
            """)
        #expect(result.findings.map(\.rule) == ["SY-CHECK-017", "SY-CHECK-004"])
        #expect(result.findings.map(\.line) == [2, 3])
        #expect(result.findings.first?.message.contains("gives no reason") == true)
        #expect(result.findings.first?.severity == .warning)
    }

    @Test func aSuppressionNamingNoRuleIsAFinding() {
        let result = Self.check("// switchyard:ignore SY-CHECK-404 -- gone\nlet x = 1\n")
        #expect(result.findings.map(\.rule) == ["SY-CHECK-017"])
        #expect(result.findings.first?.message.contains("names no rule SY-CHECK-404") == true)
    }

    // MARK: - Output

    @Test func textIsOneLinePerFindingWithRelativePathsThenACount() {
        let text = CheckReport.text(Self.check(Self.offending))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(
            lines[0].hasPrefix("Sources/App/Banner.swift:3:9: error: an unstructured Task: ")
                && lines[0].hasSuffix(" [SY-CHECK-004]"))
        #expect(
            lines[1]
                == "Sources/App/Banner.swift:6:11: error: an empty catch swallows the error: log it with context, rethrow it, or fall back in code that says so [SY-CHECK-012]"
        )
        #expect(lines[2] == "switchyard check: 1 Swift file, 2 errors, 0 warnings, 0 notes")
    }

    struct JSONReport: Decodable {
        struct Item: Decodable {
            var rule: String
            var name: String
            var severity: String
            var file: String
            var line: Int
            var column: Int
            var message: String
            var fingerprint: String
        }
        struct Summary: Decodable {
            var swiftFiles: Int
            var errors: Int
            var warnings: Int
            var notes: Int
            var placeholders: Int
        }
        var version: Int
        var findings: [Item]
        var summary: Summary
        var exitCode: Int32
    }

    @Test func jsonDecodesWithEveryFindingAndTheCounts() throws {
        let json = CheckReport.json(Self.check(Self.offending))
        let report = try JSONDecoder().decode(JSONReport.self, from: Data(json.utf8))
        #expect(report.version == 1)
        #expect(report.exitCode == 1)
        #expect(report.findings.map(\.name) == ["unstructured-task", "silent-catch"])
        #expect(report.findings.map(\.file) == ["Sources/App/Banner.swift", "Sources/App/Banner.swift"])
        #expect(report.findings.map(\.line) == [3, 6])
        #expect(report.summary.errors == 2 && report.summary.warnings == 0 && report.summary.swiftFiles == 1)
        #expect(Set(report.findings.map(\.fingerprint)).count == 2)
        #expect(json == CheckReport.json(Self.check(Self.offending)))
    }

    @Test func sarifHasTheRulesOneResultPerFindingRelativeURIsAndFingerprints() throws {
        let result = Self.check(Self.offending)
        let sarif = CheckReport.sarif(result)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect((driver["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == CheckRule.all.map(\.id))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == result.findings.count)
        for (item, finding) in zip(results, result.findings) {
            #expect(item["ruleId"] as? String == finding.rule)
            #expect(item["level"] as? String == "error")
            let location = try #require(
                (item["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let artifact = try #require(location["artifactLocation"] as? [String: Any])
            #expect(artifact["uri"] as? String == "Sources/App/Banner.swift")
            #expect(artifact["uriBaseId"] as? String == "SRCROOT")
            let fingerprints = try #require(item["partialFingerprints"] as? [String: String])
            #expect(fingerprints["switchyardIdentity/v1"]?.count == 16)
        }
    }

    @Test func aFindingKeepsItsFingerprintWhenLinesMove() throws {
        let before = Self.check(Self.offending)
        let after = Self.check("// A banner.\n\n" + Self.offending)
        #expect(after.findings.map(\.line) == before.findings.map { $0.line + 2 })
        #expect(after.findings.map(\.identity) == before.findings.map(\.identity))

        // Two alike findings in one function are told apart, by their order.
        let twice = Self.check("func show() {\n    Task { await a() }\n    Task { await b() }\n}\n")
        #expect(twice.findings.count == 2)
        #expect(Set(twice.findings.map(\.identity)).count == 2)
    }

    @Test func explainShowsTheRuleItsRationaleAndExamples() {
        let text = CheckReport.explain(.silentCatch)
        #expect(text.hasPrefix("SY-CHECK-012 silent-catch (error by default; both tracks)\n"))
        #expect(text.contains("Why: Silent degradation"))
        #expect(text.contains("    } catch {}  // ←"))
    }

    // MARK: - Exit statuses

    @Test func exitIsZeroWithWarningsOnlyOneWithAnErrorAndUnreadableAppsThrow() throws {
        let placeholders = Self.check(
            """
            func rule() -> Int {
                Placeholder.unimplemented("docs/plans/shop.md:12", "Count the items.", default: 0)
            }
            """)
        #expect(placeholders.findings.map(\.severity) == [.warning])
        #expect(placeholders.exitCode == 0)
        #expect(Self.check(Self.offending).exitCode == 1)

        let missing = FileManager.default.temporaryDirectory.appending(path: "switchyard-no-such-\(UUID().uuidString)")
        #expect(throws: CheckFailure.self) { try AppChecker.check(root: missing) }
        let empty = try temporaryFolder("switchyard-check")
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: CheckFailure.self) { try AppChecker.check(root: empty) }
    }

    @Test func conflictMarkersInOwnedFilesThatAreNotSwiftAreFound() throws {
        let root = try temporaryFolder("switchyard-check")
        defer { try? FileManager.default.removeItem(at: root) }
        try write(root, "Sources/App/App.swift", "let answer = 42\n")
        try write(
            root, "schema/001_users.sql",
            "<<<<<<< ours\nCREATE TABLE a (x);\n=======\nCREATE TABLE b (y);\n>>>>>>> theirs\n")
        let result = try AppChecker.check(root: root)
        #expect(result.findings.map { "\($0.path):\($0.line) \($0.rule)" } == ["schema/001_users.sql:1 SY-CHECK-014"])
    }

    // MARK: - Apps that must pass

    @Test(arguments: ["Kitchen", "Summaries"])
    func theExamplesCheckClean(_ example: String) throws {
        let result = try AppChecker.check(root: Self.examples.appending(path: example))
        #expect(result.swiftFiles > 3)
        #expect(result.findings.isEmpty, "\(CheckReport.text(result))")
    }

    @Test func aGeneratedMultiAgentAppChecksCleanApartFromItsPlaceholders() async throws {
        let app = try ScratchApp()
        defer { try? FileManager.default.removeItem(at: app.root) }
        // The real `switchyard new` files (Application.swift with its anchors, main.swift, switchyard.toml).
        for file in NewApp.files(name: "Greenhouse", track: .multiAgent, switchyardPath: "../switchyard") {
            try app.write(file.path, file.contents)
        }
        try app.commitAll("switchyard new")
        let outcome = try await app.builder.build("greenhouse")
        #expect(outcome.exitStatus(for: .write) == 0, "\(outcome.refusals)")

        let result = try AppChecker.check(root: app.root)
        #expect(result.exitCode == 0)
        #expect(!result.findings.isEmpty)
        #expect(result.findings.allSatisfy { $0.rule == CheckRule.placeholder.id }, "\(CheckReport.text(result))")
        // Each names the plan line it stands for, and that line states the logic; one finding per call.
        let plan = ScratchApp.greenhouse.split(separator: "\n", omittingEmptySubsequences: false)
        for finding in result.findings {
            let match = try #require(
                finding.message.firstMatch(of: /^placeholder for docs\/plans\/greenhouse\.md:(\d+): (.+) \(returns/))
            let line = try #require(Int(match.1))
            #expect(line >= 1 && line <= plan.count)
            #expect(plan[line - 1].contains(match.2.prefix(12)), "\(finding.message)")
        }
        var calls = 0
        for path in try app.git.run(["ls-files", "Sources"]).split(separator: "\n") {
            calls += try app.read(String(path)).components(separatedBy: "Placeholder.unimplemented(").count - 1
        }
        #expect(result.findings.count == calls)
    }

    @Test func aTopicTheCodeRenamedFailsAtTheCodeAndAtThePlan() async throws {
        let app = try ScratchApp()
        defer { try? FileManager.default.removeItem(at: app.root) }
        _ = try await app.builder.build("greenhouse")
        let topics = try app.read("Sources/Greenhouse/State/GreenhouseTopics.swift")
        try app.write(
            "Sources/Greenhouse/State/GreenhouseTopics.swift",
            topics.replacingOccurrences(of: "\"greenhouse:reading\"", with: "\"greenhouse:readings\""))
        let result = try AppChecker.check(root: app.root)
        #expect(result.exitCode == 1)
        let stray = result.findings.filter { $0.rule == CheckRule.topicsMatchPlan.id }
        #expect(
            stray.map(\.path).sorted() == [
                "Sources/Greenhouse/State/GreenhouseTopics.swift", "docs/plans/greenhouse.md",
            ])
        #expect(stray.contains { $0.message.contains("did you mean greenhouse:reading?") })
    }

    @Test func aNewPipelineAppChecksCleanAndItsQueriesAreAudited() throws {
        let root = try temporaryFolder("switchyard-check")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = NewApp.files(name: "Shop", track: .pipeline, switchyardPath: "../switchyard")
        for file in files { try write(root, file.path, file.contents) }
        #expect(try AppChecker.check(root: root).findings.isEmpty)

        // Without its UNIQUE constraint, nothing indexes the log-in's lookup by email.
        let accounts = try #require(files.first { $0.path.hasSuffix("/Accounts.swift") })
        let unindexed = accounts.contents.replacingOccurrences(of: "NOT NULL UNIQUE", with: "NOT NULL")
        #expect(unindexed != accounts.contents)
        try write(root, accounts.path, unindexed)
        let result = try AppChecker.check(root: root)
        #expect(result.findings.map(\.rule) == [CheckRule.queryIndexed.id])
        #expect(result.findings.first?.message.contains("SCAN users") == true)
    }

    @Test func aPlanWithOpenQuestionsIsNotedNotCompared() throws {
        let root = try temporaryFolder("switchyard-check")
        defer { try? FileManager.default.removeItem(at: root) }
        try write(root, "Sources/App/Topics.swift", "let tick = Topic<Tick>(\"farm:tick\")\n")
        try write(
            root, "docs/plans/farm.md", "---\nfeature: farm\ntrack: Multi-Agent\napp: App\ndomain: farm\n---\n# Farm\n")
        let result = try AppChecker.check(root: root)
        #expect(result.findings.map(\.rule) == [CheckRule.topicsMatchPlan.id])
        #expect(result.findings.first?.severity == .note)
        #expect(result.findings.first?.path == "docs/plans/farm.md")
        #expect(result.exitCode == 0)
    }

    func write(_ root: URL, _ path: String, _ text: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
