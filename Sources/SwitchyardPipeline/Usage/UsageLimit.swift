import Foundation

/// At most `units` per `period` (UTC periods: an hour, or a day from midnight).
public struct UsageLimit: Sendable, Hashable {
    public var units: Int
    public var period: UsagePeriod

    public init(units: Int, period: UsagePeriod = .day) {
        self.units = units
        self.period = period
    }
}
