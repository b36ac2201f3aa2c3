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
