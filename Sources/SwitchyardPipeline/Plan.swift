import Foundation

/// A subscription plan: the features it unlocks and how much it may use per period.
public struct Plan: Sendable, Hashable {
    public var name: String
    /// Feature names (``FeatureAccessMiddleware`` checks a route's feature against them).
    public var features: Set<String>
    public var limit: UsageLimit

    public init(name: String, features: Set<String>, limit: UsageLimit) {
        self.name = name
        self.features = features
        self.limit = limit
    }
}

/// At most `units` per `period` (UTC periods: an hour, or a day from midnight).
public struct UsageLimit: Sendable, Hashable {
    public var units: Int
    public var period: UsagePeriod

    public init(units: Int, period: UsagePeriod = .day) {
        self.units = units
        self.period = period
    }
}

/// The window a usage counter covers.
public enum UsagePeriod: String, Sendable, Hashable, CaseIterable {
    case hour
    case day

    var seconds: Int64 {
        switch self {
        case .hour: 3600
        case .day: 86_400
        }
    }

    /// The start of the period holding `date` (seconds since 1970, UTC).
    public func start(of date: Date) -> Int64 {
        let instant = Int64(date.timeIntervalSince1970.rounded(.down))
        return instant - ((instant % seconds) + seconds) % seconds
    }

    /// When the period holding `date` ends and its counter resets.
    public func reset(after date: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval(start(of: date) + seconds))
    }
}
