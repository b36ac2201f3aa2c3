import DequeModule
import Synchronization

/// The ready queue of handler mailboxes, served by the bus's runner tasks.
///
/// The shared queue's rules live in ``RunQueueState``; this class adds the locks, the
/// runners' own slots and the parking of runner tasks.
///
/// A mailbox is enqueued only on its `idle → active` edge, so it is queued at most once.
/// The design follows work-stealing schedulers (Go's, Tokio's):
/// - Publishers put every mailbox one broadcast woke into the shared queue under one lock.
/// - A runner moves up to ``batch`` mailboxes from the shared queue into its own slot under
///   one lock, then pops them from its slot, whose lock nobody else normally touches.
/// - A runner with nothing to do steals from another runner's slot, so a mailbox never
///   waits behind a slow handler while a runner is free.
/// - Waking a parked runner costs a thread wake-up, far dearer than a delivery, so one is
///   woken only when no runner is *searching* for work and work is waiting.
@usableFromInline
final class RunQueue: Sendable {
    private typealias Shared = RunQueueState<AnyMailbox, UnsafeContinuation<Bool, Never>>

    /// Mailboxes a runner moves from the shared queue to its slot at once.
    static let batch = 32
    /// Times a searching runner yields, looking for work, before it parks.
    static let spinsBeforeParking = 2

    private let shared = Mutex(Shared())
    private let slots: [Slot]

    private final class Slot: Sendable {
        let queue = Mutex(Deque<AnyMailbox>())
    }

    init(runners: Int) {
        slots = (0..<runners).map { _ in Slot() }
    }

    @usableFromInline
    func schedule(_ mailbox: AnyMailbox) {
        let runner = shared.withLock { $0.schedule(mailbox) }
        runner?.resume(returning: true)
    }

    @usableFromInline
    func schedule(contentsOf mailboxes: [AnyMailbox]) {
        let runner = shared.withLock { $0.schedule(contentsOf: mailboxes) }
        runner?.resume(returning: true)
    }

    /// The next mailbox for runner `index` to drain, parking while there is none. Returns
    /// `nil` once stopping and nothing is left.
    func next(runner index: Int) async -> AnyMailbox? {
        let slot = slots[index]
        if let mailbox = slot.queue.withLock({ $0.popFirst() }) { return mailbox }
        shared.withLock { $0.startSearching() }
        while true {
            for _ in 0..<Self.spinsBeforeParking {
                if let mailbox = takeShared(into: slot) { return mailbox }
                if let mailbox = steal(for: index) {
                    shared.withLock { $0.stopSearching() }
                    return mailbox
                }
                await Task.yield()
            }
            let keepSearching = await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
                switch shared.withLock({ $0.park(continuation) }) {
                case .searchAgain: continuation.resume(returning: true)
                case .stop: continuation.resume(returning: false)
                case .parked: break
                }
            }
            if !keepSearching {
                // Stopping: finish whatever is still queued anywhere.
                return slot.queue.withLock({ $0.popFirst() }) ?? steal(for: index)
            }
        }
    }

    /// A searching runner moves a batch from the shared queue into its slot and goes to work
    /// on the first. If it took more than one and nobody else is searching, it wakes a
    /// parked runner to share them.
    private func takeShared(into slot: Slot) -> AnyMailbox? {
        let take = shared.withLock { shared -> Shared.Take? in
            guard let take = shared.take(batch: Self.batch) else { return nil }
            if !take.extra.isEmpty { slot.queue.withLock { $0.append(contentsOf: take.extra) } }
            return take
        }
        take?.wake?.resume(returning: true)
        return take?.first
    }

    /// Takes the newest mailbox from another runner's slot (the caller does the accounting).
    private func steal(for index: Int) -> AnyMailbox? {
        for offset in 1..<max(slots.count, 1) {
            let victim = slots[(index + offset) % slots.count]
            if let mailbox = victim.queue.withLock({ $0.popLast() }) { return mailbox }
        }
        return nil
    }

    /// Accepts runners again after a ``stop()`` (a restarted bus).
    func start() {
        shared.withLock { $0.start() }
    }

    /// Runners finish what is queued, then ``next(runner:)`` returns `nil`.
    func stop() {
        let parked = shared.withLock { $0.stop() }
        for runner in parked { runner.resume(returning: false) }
    }
}
