import Foundation
import GRDB
import SwitchyardStore
import Synchronization

/// Where ``SubscriptionMiddleware`` looks up a caller's subscription (your billing system,
/// or the SQLite table below).
public protocol PlanSubscriptionStore: Sendable {
    func subscription(for subject: String) async throws -> PlanSubscription?
}
