import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
