import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardJobs
import SwitchyardModel
import SwitchyardStore

/// The error's type, fully qualified (`GRDB.DatabaseError`).
func errorTypeName(_ error: any Error) -> String {
    String(reflecting: type(of: error))
}

/// The error's type and ``safeSummary(of:)``, as log metadata (`error.type`, `error.summary`),
/// and, for Switchyard's own errors, where in the code it was made (`error.source`,
/// `Module/File.swift:123`): what every log line about an error carries, never its description.
public func safeMetadata(of error: any Error) -> Logger.Metadata {
    var metadata: Logger.Metadata = [
        "error.type": "\(errorTypeName(error))", "error.summary": "\(safeSummary(of: error))",
    ]
    if let source = errorSource(of: error) { metadata["error.source"] = "\(source)" }
    return metadata
}

/// Where Switchyard's own errors were made (`#fileID:#line`); `nil` for others.
func errorSource(of error: any Error) -> String? {
    switch error {
    case let error as APIError: "\(error.file):\(error.line)"
    case let error as LLMError: "\(error.file):\(error.line)"
    case let error as StoreError: "\(error.file):\(error.line)"
    case let error as JobError: "\(error.file):\(error.line)"
    default: nil
    }
}

/// What can be logged of an error without risking a secret: our own caller-facing code and
/// message, an HTTP status, a SQLite result code, an LLM failure's kind — and for any other
/// error nothing but `"-"` (its type is logged beside it). An error's description can quote
/// SQL and its arguments, a prompt, a header or a key, so it is never used.
public func safeSummary(of error: any Error) -> String {
    switch error {
    case let error as APIError: "\(error.code): \(error.message)"
    case let error as HTTPError: "HTTP \(error.status.code)"
    case let error as DatabaseError: "SQLite error \(error.resultCode.rawValue)"
    case let error as LLMError: "\(error.provider) \(error.kind)\(error.status.map { " (HTTP \($0))" } ?? "")"
    case let error as TimeoutError: error.description
    case is CancellationError: "cancelled"
    case is NIOTooManyBytesError: "body too large"
    default: "-"
    }
}
