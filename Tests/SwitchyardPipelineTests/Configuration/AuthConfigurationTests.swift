import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardConfiguration
import SwitchyardPipeline
import SwitchyardTesting
import Synchronization
import Testing

@Suite struct AuthConfigurationTests {
    @Test func theAuthTableSetsTheLimits() throws {
        let defaults = PipelineConfiguration().auth
        #expect(defaults.loginsPerAddress == RateLimit(10, per: .seconds(60)))
        #expect(defaults.failedLoginsPerAccount == RateLimit(5, per: .seconds(900)))
        #expect(defaults.signupsPerAddress == RateLimit(5, per: .seconds(3600)))
        let auth = try PipelineConfiguration.parse(
            """
            [auth]
            logins_per_address = 20
            failed_logins_per_account = 3
            failed_logins_per_account_seconds = 600
            """
        ).auth
        #expect(auth.loginsPerAddress == RateLimit(20, per: .seconds(60)))
        #expect(auth.failedLoginsPerAccount == RateLimit(3, per: .seconds(600)))
        #expect(auth.signupsPerAddress == defaults.signupsPerAddress)
    }

    @Test func badAuthKeysAreRefusedByName() {
        func error(_ text: String) -> ConfigurationError? {
            do {
                _ = try PipelineConfiguration.parse(text)
                return nil
            } catch { return error }
        }
        let misspelt = error("[auth]\nsignups_per_address = 1\nlogins_per_adress = 3\n")
        #expect(misspelt?.key == "auth.logins_per_adress" && misspelt?.line == 3)
        #expect(misspelt?.message.contains("logins_per_address_seconds") == true)
        let zero = error("[auth]\nsignups_per_address = 0\n")
        #expect(zero?.key == "auth.signups_per_address" && zero?.line == 2)
        #expect(zero?.message.contains("between 1 and 1000000") == true)
        let text = error("[auth]\nlogins_per_address_seconds = \"60\"\n")
        #expect(text?.key == "auth.logins_per_address_seconds" && text?.message == "must be an integer")
        let forever = error("[auth]\nsignups_per_address_seconds = 99999999\n")
        #expect(forever?.key == "auth.signups_per_address_seconds")
    }
}
