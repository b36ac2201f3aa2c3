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

@Suite struct RootMiddlewareTests {
    @Test func anonymousRequestsPassAndValidSessionsEnrichTheContext() async throws {
        let pipeline = try TestPipeline()
        let cookie = "session=\(pipeline.signer.issue(subject: "grace"))"
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(uri: "/whoami", method: .get) { response in
                #expect(String(buffer: response.body) == "anonymous")
                #expect(response.headers[.init("X-Request-Id")!]?.isEmpty == false)
            }
            try await client.execute(uri: "/whoami", method: .get, headers: pipeline.bearer("ada")) { response in
                #expect(String(buffer: response.body) == "ada")
            }
            try await client.execute(uri: "/whoami", method: .get, headers: [.cookie: cookie]) { response in
                #expect(String(buffer: response.body) == "grace")
            }
            // The scheme is case-insensitive.
            let token = pipeline.signer.issue(subject: "ada")
            for scheme in ["bearer", "BEARER", "bEaReR"] {
                try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "\(scheme) \(token)"])
                { response in
                    #expect(String(buffer: response.body) == "ada")
                }
            }
        }
    }

    @Test func badTokensAreRejectedNotDowngradedToAnonymous() async throws {
        let pipeline = try TestPipeline()
        let token = pipeline.signer.issue(subject: "ada")
        try await Application(router: pipeline.router()).test(.router) { client in
            for bad in [
                "Bearer \(token)x", "Bearer not-a-token", "Basic YWRhOnB3", "Bearer", "Bearer ", "Bearerx\(token)",
                "Bearer\t\(token)",
            ] {
                try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: bad]) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    let error = try errorBody(response)
                    #expect(error.code == "invalid_session")
                    #expect(error.route == "/whoami")
                    #expect(!error.request_id.isEmpty)
                }
            }
            pipeline.time.advance(3601)
            try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                response in
                #expect(response.status == .unauthorized)
                let code_ = try errorBody(response).code
                #expect(code_ == "session_expired")
            }
        }
    }

    @Test func theAPIContextExistsOnlyForAuthenticatedCallers() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(uri: "/api/echo", method: .post, body: body(#"{"text":"hi"}"#)) { response in
                #expect(response.status == .unauthorized)
                let error = try errorBody(response)
                #expect(error.code == "unauthenticated")
                #expect(error.hint != nil)
            }
        }
        #expect(try await pipeline.jobs.counts().isEmpty)
    }

    @Test func serverFaultsAre500sThatRevealNothing() async throws {
        let pipeline = try TestPipeline()
        try await Application(router: pipeline.router()).test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(!text.contains("SELECT") && !text.contains("hunter2") && !text.contains("SecretLeak"))
                let code_ = try errorBody(response).code
                #expect(code_ == "internal_error")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try errorBody(response)
                #expect(error.code == "not_found")
                #expect(error.route == "/nowhere")
            }
        }
    }
}
