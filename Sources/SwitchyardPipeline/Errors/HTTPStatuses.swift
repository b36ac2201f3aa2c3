import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension HTTPResponse.Status {
    /// 402: the caller's subscription does not allow the request.
    static let paymentRequired = Self(code: 402, reasonPhrase: "Payment Required")
}
