import Synchronization

/// Completions waiting for the next group commit.
final class CompletionBatch: Sendable {
    struct Item: Sendable {
        var job: Job
        var result: String?
    }

    let signal = WakeSignal()
    private let pending = Mutex<[Item]>([])
    private let finished = Atomic<Bool>(false)

    /// Set once no more items will be added.
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func finish() {
        finished.store(true, ordering: .releasing)
        signal.notify()
    }

    func add(_ job: Job, result: String?) {
        pending.withLock { $0.append(Item(job: job, result: result)) }
        signal.notify()
    }

    func take() -> [Item] {
        pending.withLock { items in
            defer { items.removeAll(keepingCapacity: true) }
            return items
        }
    }
}
