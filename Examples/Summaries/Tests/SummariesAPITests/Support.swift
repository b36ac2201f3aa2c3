import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import SummariesAPI
import SwitchyardJobs
import SwitchyardModel
import SwitchyardPipeline
import SwitchyardTesting
import Testing

func credentials(_ email: String, padding: Int = 0) -> ByteBuffer {
    ByteBuffer(string: #"{"email":"\#(email)","password":"correct horse\#(String(repeating: " ", count: padding))"}"#)
}

struct EnvelopeError: Decodable {
    struct Body: Decodable {
        var code: String
        var message: String
        var details: [String: String]?
    }

    var error: Body
}
