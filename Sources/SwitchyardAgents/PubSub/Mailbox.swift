import DequeModule
import Metrics
import Synchronization

/// Something the bus's runners can drain: a handler subscription's mailbox.
protocol Drainable: AnyObject, Sendable {
    /// Handles every buffered message. Returns `true` if more arrived meanwhile.
    func drain() async -> Bool
}

/// One subscriber's bounded buffer, shared by publishers and the one consumer.
///
/// The lock is held only for the state change; continuations are resumed and runners
/// scheduled after it is released.
final class Mailbox<Message: Sendable>: Drainable, Sendable {
    let id: UInt64
    let owner: SubscriberID
    let topic: Topic<Message>
    let state: Mutex<MailboxStateMachine<Message>>
    let dropCounter: Counter
    /// For handler subscriptions: the code run for each message, and where to schedule it.
    let handler: (@Sendable (Message) async -> Void)?
    let runQueue: RunQueue?
    /// The position of this mailbox in its channel's subscriber array, for O(1) removal.
    /// Read and written only while holding the owning ``PubSub``'s registry lock.
    nonisolated(unsafe) var channelIndex: Int = -1

    init(
        id: UInt64,
        owner: SubscriberID,
        topic: Topic<Message>,
        options: SubscriptionOptions,
        dropCounter: Counter,
        handler: (@Sendable (Message) async -> Void)?,
        runQueue: RunQueue?
    ) {
        self.id = id
        self.owner = owner
        self.topic = topic
        self.state = Mutex(MailboxStateMachine(options: options, scheduled: handler != nil))
        self.dropCounter = dropCounter
        self.handler = handler
        self.runQueue = runQueue
    }

    var droppedCount: UInt64 { state.withLock { $0.dropped } }
    var bufferedCount: Int { state.withLock { $0.buffer.count } }

    // MARK: Publishing

    /// Offers a message without suspending. Returns `true` if the publisher must take the
    /// slow path ``offerSuspending(_:)`` (suspend-publisher policy, buffer full).
    @inline(__always)
    func offer(_ message: Message) -> Bool {
        let action = state.withLock { $0.offer(message) }
        switch action {
        case .buffered(let wake):
            perform(wake)
        case .bufferedDroppingOldest(let wake):
            dropCounter.increment()
            perform(wake)
        case .droppedIncoming:
            dropCounter.increment()
        case .suspend:
            return true
        case .ignored:
            break
        }
        return false
    }

    /// Waits for room, then buffers the message. If the publishing task is cancelled while
    /// waiting, the message is dropped and counted.
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

    @inline(__always)
    private func perform(_ wake: MailboxStateMachine<Message>.Wake) {
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

    func drain() async -> Bool {
        guard let handler else { return false }
        var (batch, publishers) = state.withLock { $0.takeScheduledBatch() }
        for publisher in publishers { publisher.resume() }
        for message in batch {
            await handler(message)
        }
        batch.removeAll(keepingCapacity: true)
        return state.withLock { [batch] in $0.finishScheduledBatch(returning: batch) }
    }

    // MARK: Consuming (iterator)

    /// Refills `local` (empty) and returns its first message, parking while the buffer is
    /// empty. Returns `nil` once the subscription is closed and drained, or the task is
    /// cancelled.
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

    func close() {
        let (waiter, publishers) = state.withLock { $0.close() }
        if !publishers.isEmpty { dropCounter.increment(by: Int64(publishers.count)) }
        for publisher in publishers { publisher.resume() }
        waiter?.resume()
    }
}
