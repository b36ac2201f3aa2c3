import DequeModule
import Metrics
import Synchronization

/// What the bus's runners see of a handler subscription's mailbox.
///
/// Not generic, so the run queue holds plain references. `drainer` is made where the
/// message type is concrete (the inlinable `subscribe(_:options:as:handler:)`), so the
/// delivery loop is specialized for it rather than run as unspecialized generic code.
@usableFromInline
class AnyMailbox: @unchecked Sendable {
    /// Handles every buffered message. Returns `true` if more arrived meanwhile.
    @usableFromInline
    let drainer: @Sendable (AnyMailbox) async -> Bool

    @inlinable
    init(drainer: @escaping @Sendable (AnyMailbox) async -> Bool) {
        self.drainer = drainer
    }
}

/// One subscriber's bounded buffer, shared by publishers and the one consumer.
///
/// The lock is held only for the state change; continuations are resumed and runners
/// scheduled after it is released. The hot paths are `@inlinable` so they are specialized
/// for the message type in the caller's module.
@usableFromInline
final class Mailbox<Message: Sendable>: AnyMailbox, @unchecked Sendable {
    @usableFromInline let owner: SubscriberID
    @usableFromInline let topic: Topic<Message>
    @usableFromInline let state: Mutex<MailboxStateMachine<Message, UnsafeContinuation<Void, Never>>>
    @usableFromInline let dropCounter: Counter
    /// For handler subscriptions: the code run for each message, and where to schedule it.
    @usableFromInline let handler: (@Sendable (Message) async -> Void)?
    @usableFromInline let runQueue: RunQueue?
    /// The position of this mailbox in its channel's subscriber array, for O(1) removal.
    /// Read and written only while holding the owning ``PubSub``'s registry lock.
    @usableFromInline nonisolated(unsafe) var channelIndex: Int = -1
    /// The batch being handled. Touched only by the one runner draining this mailbox at a
    /// time (the state machine's `active` flag makes that exclusive); swapped with the buffer
    /// under the lock, so handing a batch over neither copies nor allocates.
    @usableFromInline nonisolated(unsafe) var batch: Deque<Message> = []

    @inlinable
    init(
        owner: SubscriberID,
        topic: Topic<Message>,
        options: SubscriptionOptions,
        dropCounter: Counter,
        handler: (@Sendable (Message) async -> Void)?,
        runQueue: RunQueue?
    ) {
        self.owner = owner
        self.topic = topic
        self.state = Mutex(MailboxStateMachine(options: options, scheduled: handler != nil))
        self.dropCounter = dropCounter
        self.handler = handler
        self.runQueue = runQueue
        super.init(drainer: { await unsafeDowncast($0, to: Mailbox<Message>.self).drain() })
    }

    @inlinable
    var droppedCount: UInt64 { state.withLock { $0.dropped } }
    @inlinable
    var bufferedCount: Int { state.withLock { $0.buffer.count } }

    // MARK: Publishing

    @usableFromInline
    enum OfferOutcome {
        /// Buffered or dropped by policy; nothing more to do.
        case delivered
        /// Buffered, and the idle handler mailbox must be handed to the runners.
        case needsScheduling
        /// Suspend-publisher policy with a full buffer: take ``offerSuspending(_:)``.
        case mustSuspend
    }

    /// Offers a message without suspending. A parked iterator is resumed here; an idle
    /// handler mailbox is left for the caller to schedule (publishers batch that).
    @inlinable
    func offer(_ message: Message) -> OfferOutcome {
        let action = state.withLock { $0.offer(message) }
        switch action {
        case .buffered(let wake):
            return outcome(of: wake)
        case .bufferedDroppingOldest(let wake):
            dropCounter.increment()
            return outcome(of: wake)
        case .droppedIncoming:
            dropCounter.increment()
            return .delivered
        case .suspend:
            return .mustSuspend
        case .ignored:
            return .delivered
        }
    }

    @inlinable
    func outcome(of wake: MailboxStateMachine<Message, UnsafeContinuation<Void, Never>>.Wake) -> OfferOutcome {
        switch wake {
        case .none:
            return .delivered
        case .schedule:
            return .needsScheduling
        case .resume(let continuation):
            continuation.resume()
            return .delivered
        }
    }

    /// Waits for room, then buffers the message. If the publishing task is cancelled while
    /// waiting, the message is dropped and counted.
    @inlinable
    func offerSuspending(_ message: Message) async {
        // Both the parking below and the cancellation handler run under the state lock, and
        // the parked id is recorded inside it, so a cancellation is never missed.
        let parkedID = Mutex<UInt64?>(nil)
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let action = state.withLock { state in
                    let action = state.block(message, continuation: continuation, isCancelled: Task.isCancelled)
                    if case .parked(let id) = action { parkedID.withLock { $0 = id } }
                    return action
                }
                switch action {
                case .buffered(let wake):
                    perform(wake)
                    continuation.resume()
                case .parked:
                    break
                case .dropped:
                    dropCounter.increment()
                    continuation.resume()
                }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                parkedID.withLock { $0 }.flatMap { state.cancelBlocked(id: $0) }
            }
            if let continuation {
                dropCounter.increment()
                continuation.resume()
            }
        }
    }

    @inlinable
    func perform(_ wake: MailboxStateMachine<Message, UnsafeContinuation<Void, Never>>.Wake) {
        switch wake {
        case .none:
            break
        case .schedule:
            runQueue?.schedule(self)
        case .resume(let continuation):
            continuation.resume()
        }
    }

    // MARK: Consuming (handler)

    @inlinable
    func drain() async -> Bool {
        guard let handler else { return false }
        let publishers = state.withLock { $0.takeBatch(into: &batch) }
        for publisher in publishers { publisher.resume() }
        for message in batch {
            await handler(message)
        }
        batch.removeAll(keepingCapacity: true)
        return state.withLock { $0.finishScheduledBatch() }
    }

    // MARK: Consuming (iterator)

    /// Refills `local` (empty) and returns its first message, parking while the buffer is
    /// empty. Returns `nil` once the subscription is closed and drained, or the task is
    /// cancelled.
    @inlinable
    func next(refilling local: inout Deque<Message>) async -> Message? {
        while true {
            let (publishers, closed) = state.withLock { state in
                (state.takeBatch(into: &local), state.isClosed)
            }
            for publisher in publishers { publisher.resume() }
            if let message = local.popFirst() { return message }
            if closed || Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let parked = state.withLock { $0.park(continuation, isCancelled: Task.isCancelled) }
                    if !parked { continuation.resume() }
                }
            } onCancel: {
                state.withLock { $0.unpark() }?.resume()
            }
        }
    }

    // MARK: Unsubscribing

    @usableFromInline
    func close() {
        let (waiter, publishers) = state.withLock { $0.close() }
        if !publishers.isEmpty { dropCounter.increment(by: Int64(publishers.count)) }
        for publisher in publishers { publisher.resume() }
        waiter?.resume()
    }
}
