import Logging
import ServiceLifecycle

/// A numbered heartbeat published by a ``Ticker``.
public struct Tick: TriggerMessage, Hashable, Codable {
    /// 1 for the first tick, then 2, 3, ...
    public var number: UInt64
    public var triggerID: TriggerID { TriggerID(number) }

    public init(number: UInt64) { self.number = number }
}

/// Publishes numbered ``Tick``s at a fixed interval: the heartbeat that drives agents.
///
/// Ticks are scheduled on absolute deadlines (start + n × interval), so they do not drift;
/// if the ticker falls behind, the late ticks are published at once. It stops on graceful
/// shutdown, or after `limit` ticks.
public struct Ticker<C: Clock>: Service where C.Duration == Duration {
    public let topic: Topic<Tick>
    public let interval: Duration
    public let limit: UInt64?
    private let bus: PubSub
    private let clock: C
    private let logger: Logger

    /// - Parameters:
    ///   - interval: time between ticks; the first tick comes one interval after start.
    ///   - limit: stop after this many ticks (`nil`: never).
    public init(
        topic: Topic<Tick>, every interval: Duration, limit: UInt64? = nil, bus: PubSub, clock: C,
        logger: Logger = Logger(label: "switchyard.ticker")
    ) {
        precondition(interval > .zero, "Switchyard: a ticker's interval must be positive (got \(interval))")
        self.topic = topic
        self.interval = interval
        self.limit = limit
        self.bus = bus
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        let start = clock.now
        var number: UInt64 = 0
        while limit.map({ number < $0 }) ?? true {
            let deadline = start.advanced(by: interval * Int(number + 1))
            do {
                try await cancelWhenGracefulShutdown { [clock] in try await clock.sleep(until: deadline, tolerance: nil)
                }
            } catch {
                return
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            number += 1
            logger.trace("tick", metadata: ["topic": "\(topic)", "tick.number": "\(number)"])
            await bus.broadcast(Tick(number: number), on: topic)
        }
    }
}

extension Ticker where C == ContinuousClock {
    public init(
        topic: Topic<Tick>, every interval: Duration, limit: UInt64? = nil, bus: PubSub,
        logger: Logger = Logger(label: "switchyard.ticker")
    ) {
        self.init(topic: topic, every: interval, limit: limit, bus: bus, clock: ContinuousClock(), logger: logger)
    }
}
