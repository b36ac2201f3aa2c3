import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

/// An error with headers its response must carry (such as a `Set-Cookie` clearing a bad
/// session cookie); ``RichErrorMiddleware`` answers for `error` and adds them.
struct ErrorWithHeaders: Error {
    var error: any Error
    var headers: HTTPFields

    init(_ error: any Error, headers: HTTPFields) {
        self.error = error
        self.headers = headers
    }
}
