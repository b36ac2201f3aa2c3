/// Runs `operation` in a child task and cancels it if it has not finished after `timeout`
/// on `clock`.
///
/// Structured: both the operation and the timer are child tasks of the caller, and both are
/// finished when this returns. The operation must honour cancellation for the timeout to
/// take effect promptly.
/// - Throws: ``TimeoutError`` on timeout, or whatever `operation` throws.
public func withTimeout<Result: Sendable, C: Clock>(
    _ timeout: Duration,
    clock: C,
    operation: @escaping @Sendable () async throws -> Result
) async throws -> Result where C.Duration == Duration {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        // The first child to finish decides; the other is cancelled by the defer.
        guard let first = try await group.next() else { throw CancellationError() }
        guard let result = first else { throw TimeoutError(timeout: timeout) }
        return result
    }
}
