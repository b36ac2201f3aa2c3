/// Runs `operation` outside the caller's graceful-shutdown scope and returns its result.
///
/// swift-service-lifecycle keeps the current graceful-shutdown scope in a task-local value
/// that child tasks inherit: a `ServiceGroup` started inside a service hears the outer
/// group's graceful shutdown and stops at once. The ``Supervisor`` must not let that happen —
/// it stops its children itself, one by one in reverse order — so it runs each child's
/// service group through this function.
///
/// service-lifecycle 2.13 has no public API to leave the scope (its task-local is
/// `@_spi(TestKit)`), so the operation runs in a detached task, which inherits no task-local
/// values. The function still behaves like structured code:
/// - it returns (or throws) only after the operation has finished;
/// - cancelling the calling task cancels the operation;
/// - the operation runs at the caller's priority.
///
/// Inside `operation`, `Task.isShuttingDownGracefully` is `false` and
/// `withGracefulShutdownHandler` registers nothing; the caller's scope is unaffected.
///
/// The detached task drops every other task-local too, not only the shutdown scope: a
/// `ServiceContext` (the current trace and span of swift-distributed-tracing), logger
/// metadata that a metadata provider reads from task-locals, and any task-local of the
/// application. The supervisor's children therefore start without the caller's tracing
/// context: their spans are not children of the caller's span, and their log lines lack
/// metadata the caller set in task-locals. A child that needs them must be given them
/// explicitly (for example a `ServiceContext` or logger captured when the child is built).
/// `GracefulShutdownScopeTests` fails if service-lifecycle changes how scopes are inherited.
func withoutGracefulShutdownScope<T: Sendable>(
    _ operation: sending @escaping @Sendable () async throws -> T
) async throws -> T {
    let task = Task.detached(priority: Task.currentPriority) { try await operation() }
    return try await withTaskCancellationHandler {
        try await task.value
    } onCancel: {
        task.cancel()
    }
}
