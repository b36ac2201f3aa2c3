import Foundation
import GRDB
import ServiceLifecycle
import SwitchyardStore

/// A response kept for replay under an `Idempotency-Key`.
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String?
    /// The `Location` header (a 202's status URL, a 201's new resource).
    public var location: String?
    public var body: [UInt8]

    public init(status: Int, contentType: String?, location: String? = nil, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.location = location
        self.body = body
    }
}
