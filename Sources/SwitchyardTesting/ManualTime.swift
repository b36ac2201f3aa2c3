import Foundation
import Synchronization

/// A wall clock (`Date`) a test moves by hand, for code that takes `now: () -> Date`.
public final class ManualTime: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start` (default 2027-01-15T08:00:00Z, a fixed instant).
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    /// `now` as a closure, to inject.
    public var closure: @Sendable () -> Date { { self.now } }

    public func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
