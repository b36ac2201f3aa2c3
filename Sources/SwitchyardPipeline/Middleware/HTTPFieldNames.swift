import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-Id`: every response carries its request's id (``RichErrorMiddleware``).
    public static let requestID = Self("X-Request-Id")!
    /// `Idempotency-Key`: a retry with the same key is counted once and answered as the first.
    public static let idempotencyKey = Self("Idempotency-Key")!
    /// `Idempotent-Replayed: true` marks a replayed answer.
    public static let idempotentReplayed = Self("Idempotent-Replayed")!
}
