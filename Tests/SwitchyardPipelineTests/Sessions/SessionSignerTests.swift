import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchyardConfiguration
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardTesting
import Testing

@Suite struct SessionSignerTests {
    let time = ManualTime()

    @Test func aTokenCarriesItsSubjectUntilItExpires() throws {
        let signer = try SessionSigner(secret: secret, lifetime: .seconds(60), now: time.closure)
        let token = signer.issue(subject: "ada")
        #expect(try signer.verify(token).subject == "ada")
        time.advance(59)
        #expect(try signer.verify(token).expiresAt == Date(timeIntervalSince1970: 1_800_000_060))
        time.advance(1)
        #expect(throws: SessionSigner.Rejection.expired) { try signer.verify(token) }
    }

    @Test func tamperedForgedAndMalformedTokensAreRefused() throws {
        let signer = try SessionSigner(secret: secret, now: time.closure)
        let token = signer.issue(subject: "ada")
        let parts = token.split(separator: ".").map(String.init)
        // Claims for another subject under the original signature.
        let forgedClaims = try SessionSigner(secret: secret, now: time.closure).issue(subject: "root").split(
            separator: ".")[1]
        #expect(throws: SessionSigner.Rejection.badSignature) { try signer.verify("v1.\(forgedClaims).\(parts[2])") }
        // One changed character of the signature.
        var signature = Array(parts[2])
        signature[3] = signature[3] == "A" ? "B" : "A"
        #expect(throws: SessionSigner.Rejection.badSignature) {
            try signer.verify("v1.\(parts[1]).\(String(signature))")
        }
        // Signed with another key.
        let other = try SessionSigner(
            secret: Array("another secret that is thirty-two bytes long".utf8), now: time.closure)
        #expect(throws: SessionSigner.Rejection.badSignature) { try signer.verify(other.issue(subject: "ada")) }
        for malformed in ["", "v1", "v1..", "v2.\(parts[1]).\(parts[2])", "v1.\(parts[1]).!!!", "\(token).extra"] {
            #expect(throws: SessionSigner.Rejection.self) { try signer.verify(malformed) }
        }
    }

    @Test func onlyTheCanonicalEncodingIsAccepted() throws {
        let signer = try SessionSigner(secret: secret, now: time.closure)
        /// The first token for `user0`, `user1`, ... that has `property`.
        func token(where property: (String) -> Bool) throws -> String {
            let found = (0..<10_000).lazy.map { signer.issue(subject: "user\($0)") }.first(where: property)
            return try #require(found)
        }
        func signature(_ token: String) -> Substring { token.split(separator: ".")[2] }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

        let plain = signer.issue(subject: "ada")
        var variants = ["\(plain)=", "\(plain)=="]
        // The signature's last character carries 4 bits and two zero bits; other values of
        // those two decode to the same bytes.
        let last = try #require(alphabet.firstIndex(of: plain.last!))
        #expect(last & 3 == 0)
        variants += (1...3).map { "\(plain.dropLast())\(alphabet[last | $0])" }
        // The standard alphabet's `+` and `/` for base64url's `-` and `_` (and `==` above): the
        // decoder refuses these itself; kept so that stays true.
        let urlSafe = try token { signature($0).contains("-") && signature($0).contains("_") }
        variants.append(urlSafe.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))
        // A look-alike of a token already verified (and so cached): KELVIN SIGN for `K`,
        // which Swift's string comparison takes as equal.
        let withK = try token { $0.contains("K") }
        variants.append(withK.replacingOccurrences(of: "K", with: "\u{212A}"))

        for token in [plain, urlSafe, withK] { #expect(try signer.verify(token).issuedAt == time.now) }
        for variant in variants {
            #expect(throws: SessionSigner.Rejection.malformed, "\(variant)") { try signer.verify(variant) }
        }
    }

    @Test func shortSecretsAreRefusedAndNeverPrinted() throws {
        #expect(throws: ConfigurationError.self) { try SessionSigner(secret: Array("short".utf8)) }
        let signer = try SessionSigner(secret: secret)
        #expect(!"\(signer)".contains("thirty-two"))
        #expect(!String(reflecting: signer).contains("thirty-two"))
    }
}
