import Foundation
import GRDB
import SwitchyardStore
import Synchronization

/// A caller's subscription: its plan's name and whether it is paid up.
public struct PlanSubscription: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case active
        case pastDue = "past_due"
        case canceled
    }

    public var plan: String
    public var status: Status

    public init(plan: String, status: Status) {
        self.plan = plan
        self.status = status
    }
}
