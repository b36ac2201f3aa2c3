import Foundation
import Synchronization
import SwitchyardJobs
import SwitchyardStore

struct Email: Codable, Sendable, Equatable {
    var to: String
}
