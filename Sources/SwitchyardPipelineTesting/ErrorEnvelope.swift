import Foundation
import HummingbirdTesting
import NIOCore

/// The `error` object of a Pipeline error response (``SwitchyardPipeline/RichErrorMiddleware``'s
/// envelope).
public struct APIErrorBody: Decodable, Sendable {
    public var code: String
    public var message: String
    public var requestID: String
    public var route: String
    public var hint: String?
    public var worker: String?
    public var jobID: Int64?
    public var jobStatus: String?
    public var details: [String: String]?

    /// The wire's snake_case keys. (`convertFromSnakeCase` would read `request_id` as
    /// `requestId`, not `requestID`.)
    enum CodingKeys: String, CodingKey {
        case code, message, route, hint, worker, details
        case requestID = "request_id"
        case jobID = "job_id"
        case jobStatus = "job_status"
    }
}

/// A Pipeline error response's body: `{"error": {...}}`.
public struct APIErrorEnvelope: Decodable, Sendable {
    public var error: APIErrorBody
}

/// The `error` object of an error response.
public func errorBody(_ response: TestResponse) throws -> APIErrorBody {
    try errorBody(response.body)
}

/// The `error` object of an error response's body.
public func errorBody(_ body: ByteBuffer) throws -> APIErrorBody {
    try JSONDecoder().decode(APIErrorEnvelope.self, from: Data(body.readableBytesView)).error
}

/// A JSON response body decoded as `type`.
public func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
}

/// A JSON object response body, untyped.
public func jsonBody(_ response: TestResponse) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
    else {
        throw NotAJSONObject()
    }
    return object
}

struct NotAJSONObject: Error {}
