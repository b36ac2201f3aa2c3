import Foundation
import GRDB
import ServiceLifecycle
import SwitchyardStore

/// Forgets expired idempotency keys periodically: a swift-service-lifecycle service to run
/// beside the HTTP server.
public struct IdempotencyKeyPruner<C: Clock>: Service where C.Duration == Duration {
    let meter: UsageMeter
    let keep: Duration
    let interval: Duration
    let clock: C

    /// - Parameters:
    ///   - keep: how long a key is honoured. Default a day.
    ///   - interval: how often expired keys are deleted. Default an hour.
    public init(
        meter: UsageMeter, keep: Duration = .seconds(86_400), every interval: Duration = .seconds(3600), clock: C
    ) {
        self.meter = meter
        self.keep = keep
        self.interval = interval
        self.clock = clock
    }

    public func run() async throws {
        let clock = self.clock, interval = self.interval
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
            } catch {
                return  // cancelled, or shut down while asleep
            }
            try await meter.pruneIdempotencyKeys(olderThan: keep)
        }
    }
}

extension IdempotencyKeyPruner where C == ContinuousClock {
    public init(meter: UsageMeter, keep: Duration = .seconds(86_400), every interval: Duration = .seconds(3600)) {
        self.init(meter: meter, keep: keep, every: interval, clock: ContinuousClock())
    }
}
