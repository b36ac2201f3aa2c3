import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// How often something may happen: `count` times per `period`, all at once if need be.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Events allowed per ``period`` (and the largest burst).
    public var count: Int
    public var period: Duration

    /// - Precondition: `count >= 1` and `period > .zero`.
    public init(_ count: Int, per period: Duration) {
        precondition(count >= 1 && period > .zero, "a rate limit needs a count of at least 1 and a positive period")
        self.count = count
        self.period = period
    }

    public var description: String { "\(count) per \(period)" }
}
