import Crypto
import ExtrasBase64
import Foundation
import SwitchyardConfiguration
import SwitchyardStore
import Synchronization

/// Who a verified session token says the caller is.
public struct Identity: Sendable, Hashable {
    /// The account the session belongs to.
    public var subject: String
    public var issuedAt: Date
    public var expiresAt: Date

    public init(subject: String, issuedAt: Date, expiresAt: Date) {
        self.subject = subject
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
