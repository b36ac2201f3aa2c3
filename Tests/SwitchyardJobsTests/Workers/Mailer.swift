import SwitchyardTesting
import Synchronization

@testable import SwitchyardJobs

/// Sends "emails": records each, fails while told to, and can block on a gate.
final class Mailer: Worker {
    let queue = "email"
    let sent = Mutex<[String]>([])
    let failuresLeft = Mutex(0)
    let gate: ScriptedModel.Gate?
    let started = WakeSignal()

    init(failures: Int = 0, gate: ScriptedModel.Gate? = nil) {
        failuresLeft.withLock { $0 = failures }
        self.gate = gate
    }

    struct Receipt: Codable, Sendable { var id: String }
    struct SMTPDown: Error, CustomStringConvertible { var description: String { "smtp down" } }

    func process(_ payload: Email, job: Job) async throws -> Receipt {
        started.notify()
        if let gate { await gate.wait() }
        let fail = failuresLeft.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw SMTPDown() }
        sent.withLock { $0.append(payload.to) }
        return Receipt(id: "receipt-\(job.id)")
    }
}
