import HTTPTypes
import SwitchyardPipeline

// The error codes the summaries app adds to the pipeline's, declared once, and its errors.

extension APIError.Code {
    static let weakPassword = Self("weak_password")
    static let passwordTooLong = Self("password_too_long")
    static let invalidPassword = Self("invalid_password")
    static let invalidEmail = Self("invalid_email")
    static let emailTaken = Self("email_taken")
    static let invalidCredentials = Self("invalid_credentials")
}

extension APIError {
    /// 422: the password is shorter than `minimumLength` characters.
    static func weakPassword(minimumLength: Int, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .unprocessableContent, code: .weakPassword,
            message: "`password` must be at least \(minimumLength) characters",
            hint: "use a longer passphrase", details: ["field": "password"], file: file, line: line)
    }

    /// 422: the password is longer than bcrypt reads.
    static func passwordTooLong(maximumBytes: Int, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .unprocessableContent, code: .passwordTooLong,
            message: "`password` must be at most \(maximumBytes) bytes of UTF-8 (bcrypt reads no further)",
            hint: "use a shorter passphrase",
            details: ["field": "password", "max_bytes": "\(maximumBytes)"], file: file, line: line)
    }

    /// 400: the password holds a NUL character, where bcrypt would end it.
    static func invalidPassword(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .badRequest, code: .invalidPassword, message: "`password` must not contain a NUL character",
            hint: "bcrypt would end the password there", details: ["field": "password"], file: file, line: line)
    }

    /// 422: the email is not an address, and why (`problem` follows "`email` ").
    static func invalidEmail(_ problem: String, file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .unprocessableContent, code: .invalidEmail, message: "`email` \(problem)",
            hint: "send an address such as ada@example.com", details: ["field": "email"], file: file, line: line)
    }

    /// 409: an account with the email exists.
    static func emailTaken(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(
            .conflict, code: .emailTaken, message: "an account with that email exists", hint: "log in instead",
            file: file, line: line)
    }

    /// 401: wrong email or password (the same answer for both).
    static func invalidCredentials(file: String = #fileID, line: Int = #line) -> APIError {
        APIError(.unauthorized, code: .invalidCredentials, message: "wrong email or password", file: file, line: line)
    }
}
