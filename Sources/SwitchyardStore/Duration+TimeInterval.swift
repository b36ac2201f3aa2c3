import Foundation

extension Duration {
    /// The duration in seconds, for APIs that take a `TimeInterval` (GRDB, `Date`).
    package var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
