import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import SwitchyardAgents

/// `withoutGracefulShutdownScope` rests on how swift-service-lifecycle passes its
/// graceful-shutdown scope to child tasks; these tests fail if that changes upstream.
@Suite struct GracefulShutdownScopeTests {
    /// Runs `body` as the one service of a group, and shuts the group down gracefully once
    /// the service has called `ready`.
    private func inShutdownGroup(
        _ body: @escaping @Sendable (_ ready: @escaping @Sendable () -> Void) async throws -> Void
    ) async throws {
        let (started, startedSink) = AsyncStream<Void>.makeStream()
        let group = ServiceGroup(
            services: [ClosureService { try await body { startedSink.yield() } }],
            logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in started { break }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aShutdownThatHappenedDoesNotReachTheOperation() async throws {
        let seen = Mutex<[String]>([])
        try await inShutdownGroup { ready in
            ready()
            try await gracefulShutdown()
            let outside = Task.isShuttingDownGracefully
            let inside = try await withoutGracefulShutdownScope { Task.isShuttingDownGracefully }
            // A handler registered after shutdown runs at once, if there is a scope.
            let insideHandler = Mutex(false)
            try await withoutGracefulShutdownScope {
                await withGracefulShutdownHandler {
                } onGracefulShutdown: {
                    insideHandler.withLock { $0 = true }
                }
            }
            let outsideHandler = Mutex(false)
            await withGracefulShutdownHandler {
            } onGracefulShutdown: {
                outsideHandler.withLock { $0 = true }
            }
            seen.withLock {
                $0 = [
                    "outside \(outside)", "inside \(inside)",
                    "outside handler \(outsideHandler.withLock { $0 })",
                    "inside handler \(insideHandler.withLock { $0 })",
                ]
            }
        }
        #expect(
            seen.withLock { $0 } == [
                "outside true", "inside false", "outside handler true", "inside handler false",
            ])
    }

    @Test func aShutdownDuringTheOperationDoesNotReachIt() async throws {
        let insideFired = Mutex(false)
        let insideFiredWhenOutsideFired = Mutex<Bool?>(nil)
        try await inShutdownGroup { ready in
            let (outsideFired, outsideSink) = AsyncStream<Void>.makeStream()
            try await withGracefulShutdownHandler {
                try await withoutGracefulShutdownScope {
                    await withGracefulShutdownHandler {
                        ready()
                        // The outer scope runs all its handlers in one call, so once the outer
                        // handler has run, an inner handler in the same scope would have too.
                        for await _ in outsideFired { break }
                        insideFiredWhenOutsideFired.withLock { $0 = insideFired.withLock { $0 } }
                    } onGracefulShutdown: {
                        insideFired.withLock { $0 = true }
                    }
                }
            } onGracefulShutdown: {
                outsideSink.yield()
            }
        }
        #expect(insideFiredWhenOutsideFired.withLock { $0 } == false)
        #expect(insideFired.withLock { $0 } == false)
    }

    @Test func cancellingTheCallerCancelsTheOperation() async throws {
        let (started, startedSink) = AsyncStream<Void>.makeStream()
        let caller = Task {
            try await withoutGracefulShutdownScope {
                startedSink.yield()
                let (never, _) = AsyncStream<Void>.makeStream()
                for await _ in never {}
                return Task.isCancelled
            }
        }
        for await _ in started { break }
        caller.cancel()
        #expect(try await caller.value == true)
    }

    @Test func theOperationsResultAndErrorComeBack() async throws {
        #expect(try await withoutGracefulShutdownScope { 42 } == 42)
        await #expect(throws: Boom.self) {
            try await withoutGracefulShutdownScope { () async throws -> Int in throw Boom() }
        }
    }
}
