import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

final class CallCounter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func next() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
}
