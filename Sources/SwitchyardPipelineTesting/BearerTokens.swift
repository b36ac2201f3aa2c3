import HTTPTypes
import SwitchyardPipeline

/// The `Authorization` header carrying a session token.
public func bearerHeaders(token: String) -> HTTPFields {
    [.authorization: "Bearer \(token)"]
}

extension SessionSigner {
    /// The `Authorization` header of a fresh session token for `subject`.
    public func bearer(_ subject: String) -> HTTPFields {
        bearerHeaders(token: issue(subject: subject))
    }

    /// The same, with an `Idempotency-Key`.
    public func bearer(_ subject: String, idempotencyKey: String) -> HTTPFields {
        var fields = bearer(subject)
        fields[.idempotencyKey] = idempotencyKey
        return fields
    }
}
