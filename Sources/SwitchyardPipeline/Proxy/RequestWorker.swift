import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardJobs
import SwitchyardModel
import SwitchyardStore

/// A worker a proxy awaits in-process (for answers fast enough to give in the response).
/// Business rules live here: throw an ``APIError`` with a 4xx status to refuse an input.
public protocol RequestWorker: Sendable {
    associatedtype Input: Codable & Sendable
    associatedtype Output: Encodable & Sendable
    /// Names the worker in usage logs and error responses.
    var name: String { get }
    func handle(_ input: Input) async throws -> Output
}
