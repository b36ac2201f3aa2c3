import SwitchyardPipeline
import Synchronization

/// Plan subscriptions held in memory, for tests of the subscription gate.
public final class FixedPlanSubscriptions: PlanSubscriptionStore {
    public let table: Mutex<[String: PlanSubscription]>

    public init(_ table: [String: PlanSubscription] = [:]) { self.table = Mutex(table) }

    public func subscription(for subject: String) async throws -> PlanSubscription? {
        table.withLock { $0[subject] }
    }
}
