import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

extension Response {
    /// The response kept for an idempotency key, marked `Idempotent-Replayed: true`.
    init(replaying stored: StoredResponse) {
        var headers: HTTPFields = [.idempotentReplayed: "true"]
        if let type = stored.contentType { headers[.contentType] = type }
        if let location = stored.location { headers[.location] = location }
        self.init(
            status: .init(code: stored.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
    }
}
