import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchyardPipeline
import Testing

@Suite struct APIErrorCatalogueTests {
    @Test func anErrorKnowsWhereItWasMadeButEqualityIgnoresIt() {
        let first = APIError.unauthenticated()
        let second = APIError.unauthenticated()
        #expect(first.file == "SwitchyardPipelineTests/APIErrorCatalogueTests.swift")
        #expect(first.line == #line - 3 && second.line == #line - 2)
        #expect(first == second && first.hashValue == second.hashValue)
        #expect(first != APIError.payloadTooLarge(limit: 1))
    }

    @Test func whereAnErrorWasMadeIsNeverInItsResponse() async throws {
        let router = Router()
        router.add(middleware: RichErrorMiddleware())
        router.get("refuse") { _, _ -> String in throw APIError.payloadTooLarge(limit: 10) }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/refuse", method: .get) { response in
                #expect(response.status == .contentTooLarge)
                let text = String(buffer: response.body)
                #expect(text.contains(#""code":"payload_too_large""#))
                #expect(!text.contains("APIErrorCatalogueTests") && !text.contains("line"))
            }
        }
    }
}
