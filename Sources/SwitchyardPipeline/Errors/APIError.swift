import Foundation
import HTTPTypes
import Hummingbird

/// An error a caller sees: a stable code, a message, a hint, and where relevant the worker,
/// job and its status. ``RichErrorMiddleware`` adds the request id and route and writes it as
///
/// ```json
/// {"error": {"code": "over_limit", "message": "...", "request_id": "...", "route": "/api/summaries",
///            "hint": "...", "details": {"limit": "20", "reset_at": "2026-11-28T00:00:00Z"}}}
/// ```
///
/// 4xx codes are the caller's to fix; 5xx are ours. Messages never hold secrets, SQL or stack
/// traces.
///
/// Every code and every error the pipeline raises is declared once, in the catalogue
/// (`APIErrorCatalogue.swift`): throw sites use its members, never a literal code.
public struct APIError: Error, Sendable, Hashable {
    /// A stable, snake_case error code; clients switch on it. Declared once, as a static
    /// member (`APIError.Code.overLimit`).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public var description: String { rawValue }
    }

    public var status: HTTPResponse.Status
    public var code: Code
    public var message: String
    public var hint: String?
    public var worker: String?
    public var jobID: Int64?
    public var jobStatus: String?
    /// Further facts, such as `limit`, `reset_at`, `feature`, `field`.
    public var details: [String: String]
    /// Where the error was made (for logs and debugging): not part of `==`, never in the
    /// response body.
    public var file: String
    public var line: Int

    public init(
        _ status: HTTPResponse.Status, code: Code, message: String, hint: String? = nil, worker: String? = nil,
        jobID: Int64? = nil, jobStatus: String? = nil, details: [String: String] = [:], file: String = #fileID,
        line: Int = #line
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.worker = worker
        self.jobID = jobID
        self.jobStatus = jobStatus
        self.details = details
        self.file = file
        self.line = line
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message && lhs.hint == rhs.hint
            && lhs.worker == rhs.worker && lhs.jobID == rhs.jobID && lhs.jobStatus == rhs.jobStatus
            && lhs.details == rhs.details
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(hint)
        hasher.combine(worker)
        hasher.combine(jobID)
        hasher.combine(jobStatus)
        hasher.combine(details)
    }
}
