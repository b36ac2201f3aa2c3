import Foundation
import HTTPTypes
import Hummingbird

/// The JSON envelope of an error response.
struct ErrorEnvelope: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
        var requestID: String
        var route: String
        var hint: String?
        var worker: String?
        var jobID: Int64?
        var jobStatus: String?
        var details: [String: String]?
    }

    var error: Body
}
