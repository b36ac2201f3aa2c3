import Logging
import SwitchyardConfiguration
import SwitchyardLLM
import SwitchyardModel
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct LLMSettingsTests {
    let logs = CapturedLogs()
    var logger: Logger { Logger(label: "test", factory: logs.handler) }

    @Test func theFileIsReadAndTheEnvironmentOverridesIt() throws {
        let file = try LLMSettings.toml(
            """
            [server]
            port = 8080

            [llm]
            provider = "openai"
            model = "llama3.2"
            base_url = "http://localhost:11434/v1"
            stream = true
            request_timeout_seconds = 30
            """)
        #expect(
            file
                == LLMSettings(
                    provider: .openai, model: "llama3.2", baseURL: "http://localhost:11434/v1", streaming: true,
                    requestTimeout: .seconds(30)))
        let environment = try LLMSettings.environment(["SWITCHYARD_LLM_MODEL": "qwen2.5", "SWITCHYARD_LLM_STREAM": "0"])
        let merged = file.overridden(by: environment)
        #expect(merged.model == "qwen2.5")
        #expect(merged.streaming == false)
        #expect(merged.provider == .openai)
        #expect(try LLMSettings.toml("[server]\nport = 1") == LLMSettings())
    }

    @Test func badFilesAreRejectedWithTheLineOrKey() {
        #expect { try LLMSettings.toml("[llm]\nprovider = \"anthropic\"\nmodel = ") } throws: {
            ($0 as? ConfigurationError)?.line == 3
        }
        #expect { try LLMSettings.toml("[llm]\nprovider = \"gemini\"") } throws: {
            let error = $0 as? ConfigurationError
            return error?.key == "llm.provider" && error?.description.contains("gemini") == true
        }
        #expect { try LLMSettings.toml("[llm]\nmodle = \"x\"") } throws: {
            ($0 as? ConfigurationError)?.key == "llm.modle"
        }
        #expect { try LLMSettings.toml("[llm]\nstream = \"yes\"") } throws: {
            ($0 as? ConfigurationError)?.key == "llm.stream"
        }
        #expect { try LLMSettings.toml("[llm]\napi_key = \"sk-123\"") } throws: {
            let error = $0 as? ConfigurationError
            return error?.key == "llm.api_key" && error?.description.contains("sk-123") == false
        }
    }

    @Test func aKeyWhereItsVariableBelongsIsRefusedWithoutBeingRepeated() throws {
        let pasted = "sk-ant-api03-\(secret)"
        #expect { try LLMSettings.toml("[llm]\napi_key_env = \"\(pasted)\"") } throws: {
            let error = $0 as? ConfigurationError
            return error?.key == "llm.api_key_env" && error?.description.contains(secret) == false
        }
        #expect { try LLMSettings.environment(["SWITCHYARD_LLM_API_KEY_ENV": pasted]) } throws: {
            let error = $0 as? ConfigurationError
            return error?.key == "SWITCHYARD_LLM_API_KEY_ENV" && error?.description.contains(secret) == false
        }
        for provider in LLMSettings.Provider.allCases {
            #expect {
                try LLMSettings(provider: provider, apiKeyVariable: pasted).makeModel(environment: [:], logger: logger)
            } throws: { ($0 as? ConfigurationError)?.description.contains(secret) == false }
        }
        #expect(!logs.lines.contains { $0.contains(secret) })
        #expect(try LLMSettings.toml("[llm]\napi_key_env = \"MY_LLM_KEY_2\"").apiKeyVariable == "MY_LLM_KEY_2")
    }

    @Test func withoutAKeyThereIsNoModelAndTheLogSaysSo() throws {
        #expect(try LLMSettings().makeModel(environment: [:], logger: logger).map(\.name) == nil)
        #expect(try LLMSettings(provider: .anthropic).makeModel(environment: [:], logger: logger).map(\.name) == nil)
        #expect(try LLMSettings(provider: .openai).makeModel(environment: [:], logger: logger).map(\.name) == nil)
        let lines = logs.lines
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.contains("fallbacks") })
    }

    @Test func aKeyInTheEnvironmentSelectsTheProvider() throws {
        let anthropic = try #require(
            try LLMSettings().makeModel(environment: ["ANTHROPIC_API_KEY": secret], logger: logger))
        #expect(anthropic.name == "anthropic:claude-3-5-haiku-20241022")
        let local = try #require(
            try LLMSettings(provider: .openai, model: "llama3.2", baseURL: "http://localhost:11434/v1")
                .makeModel(environment: [:], logger: logger))
        #expect(local.name == "openai:llama3.2")
        #expect {
            try LLMSettings(provider: .openai, baseURL: "http://localhost:11434/v1").makeModel(
                environment: [:], logger: logger)
        } throws: { ($0 as? ConfigurationError)?.key == "llm.model" }
        #expect(!logs.lines.contains { $0.contains(secret) })
    }
}
