import Foundation
import SwitchyardJobs
import SwitchyardStore
import Synchronization

struct Email: Codable, Sendable, Equatable {
    var to: String
}
