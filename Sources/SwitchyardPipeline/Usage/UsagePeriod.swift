import Foundation

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
