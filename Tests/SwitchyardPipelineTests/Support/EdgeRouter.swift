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

struct Note: Codable {
    var text: String
}

extension TestPipeline {
    /// ``router(plans:charging:bodyLimits:)`` plus a public JSON route, `POST /notes`, a
    /// `POST /login` that sets the session cookie, a handler that reads at most 8 bytes,
    /// and 405 answers.
    func edgeRouter(bodyLimits: BodyLimits = BodyLimits()) -> Router<PipelineContext> {
        let router = router(bodyLimits: bodyLimits)
        router.post("notes") { request, context -> Response in
            let note = try await decodeJSONBody(Note.self, from: request, context: context)
            return try jsonResponse(note, status: .created)
        }
        let signer = self.signer
        router.post("login") { _, _ -> Response in
            var response = Response(status: .ok)
            response.setCookie(Cookie(name: "session", value: signer.issue(subject: "ada"), path: "/", httpOnly: true))
            return response
        }
        router.post("tiny") { request, _ -> String in
            String(buffer: try await request.body.collect(upTo: 8))
        }
        router.addMethodNotAllowedResponses()
        return router
    }
}

func bytes(_ count: Int) -> ByteBuffer {
    ByteBuffer(string: #"{"text":""# + String(repeating: "x", count: max(0, count - 11)) + #""}"#)
}
