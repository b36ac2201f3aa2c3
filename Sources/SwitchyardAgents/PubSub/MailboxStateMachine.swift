import DequeModule

/// The rules of one subscriber's bounded buffer, with no locking and no I/O.
///
/// ``Mailbox`` holds one of these behind a mutex and carries out the actions it returns
/// (wake the consumer, resume a publisher, count a drop) after releasing the lock.
///
/// The consumer is either a handler run by the bus's runners (it starts `idle` and is
/// *scheduled* when a message arrives) or a task iterating a ``Subscription`` (it starts
/// `active` and *parks* when the buffer is empty). A consumer that is already awake is never
/// woken again: only the `idle → active` and `waiting → active` edges produce a wake-up.
///
/// `Waiter` is what resumes a suspended task: ``Mailbox`` uses
/// `UnsafeContinuation<Void, Never>`; tests use plain values, so the rules are tested
/// without tasks.
@usableFromInline
struct MailboxStateMachine<Message, Waiter> {
    @usableFromInline
    enum Consumer {
        /// Not scheduled and not waiting (handler mailboxes only): a message must schedule it.
        case idle
        /// Running, or about to look at the buffer: nothing to do on arrival.
        case active
        /// Parked iterator: a message must resume it.
        case waiting(Waiter)
    }

    @usableFromInline
    enum Wake {
        case none
        case schedule
        case resume(Waiter)
    }

    @usableFromInline
    enum OfferAction {
        /// The message was buffered.
        case buffered(Wake)
        /// The message was buffered and the oldest one dropped to make room.
        case bufferedDroppingOldest(Wake)
        /// The arriving message was dropped.
        case droppedIncoming
        /// The publisher must suspend (``OverflowPolicy/suspendPublisher``).
        case suspend
        /// The subscriber is gone; the message is not for it.
        case ignored
    }

    @usableFromInline
    struct BlockedPublisher {
        @usableFromInline var id: UInt64
        @usableFromInline var message: Message
        @usableFromInline var continuation: Waiter

        @inlinable
        init(id: UInt64, message: Message, continuation: Waiter) {
            self.id = id
            self.message = message
            self.continuation = continuation
        }
    }

    @usableFromInline
    var buffer: Deque<Message> = []
    @usableFromInline let capacity: Int
    @usableFromInline let policy: OverflowPolicy
    @usableFromInline var consumer: Consumer
    @usableFromInline var blocked: Deque<BlockedPublisher> = []
    @usableFromInline var nextBlockedID: UInt64 = 0
    @usableFromInline var dropped: UInt64 = 0
    @usableFromInline var isClosed = false

    @inlinable
    init(options: SubscriptionOptions, scheduled: Bool) {
        self.capacity = options.capacity
        self.policy = options.overflow
        self.consumer = scheduled ? .idle : .active
    }

    @inlinable
    var blockedCount: Int { blocked.count }

    // MARK: Publisher side

    @inlinable
    mutating func offer(_ message: Message) -> OfferAction {
        if isClosed { return .ignored }
        if buffer.count < capacity && blocked.isEmpty {
            buffer.append(message)
            return .buffered(wakeConsumer())
        }
        if policy.isDropOldest {
            buffer.removeFirst()
            buffer.append(message)
            dropped &+= 1
            return .bufferedDroppingOldest(wakeConsumer())
        }
        if policy.isDropNewest {
            dropped &+= 1
            return .droppedIncoming
        }
        return .suspend
    }

    @usableFromInline
    enum BlockAction {
        /// Buffered after all; resume the publisher now and carry out the wake.
        case buffered(Wake)
        /// Parked with this id; the consumer will resume it.
        case parked(UInt64)
        /// Closed or cancelled meanwhile: the message was dropped (counted); resume now.
        case dropped
    }

    /// The slow path of ``OverflowPolicy/suspendPublisher``: called with the publisher's
    /// continuation once it has decided to suspend.
    @inlinable
    mutating func block(_ message: Message, continuation: Waiter, isCancelled: Bool)
        -> BlockAction
    {
        if isClosed { return .dropped }
        if isCancelled {
            dropped &+= 1
            return .dropped
        }
        if buffer.count < capacity && blocked.isEmpty {
            buffer.append(message)
            return .buffered(wakeConsumer())
        }
        let id = nextBlockedID
        nextBlockedID &+= 1
        blocked.append(BlockedPublisher(id: id, message: message, continuation: continuation))
        return .parked(id)
    }

    /// A blocked publisher was cancelled: its message is dropped (counted) and it is resumed.
    @inlinable
    mutating func cancelBlocked(id: UInt64) -> Waiter? {
        guard let index = blocked.firstIndex(where: { $0.id == id }) else { return nil }
        dropped &+= 1
        return blocked.remove(at: index).continuation
    }

    @inlinable
    mutating func wakeConsumer() -> Wake {
        switch consumer {
        case .active:
            return .none
        case .idle:
            consumer = .active
            return .schedule
        case .waiting(let continuation):
            consumer = .active
            return .resume(continuation)
        }
    }

    // MARK: Consumer side

    /// Moves every buffered message into `batch` (which must be empty) and refills the buffer
    /// from blocked publishers, returning the publishers to resume.
    @inlinable
    mutating func takeBatch(into batch: inout Deque<Message>) -> [Waiter] {
        swap(&batch, &buffer)
        guard !blocked.isEmpty else { return [] }
        var resumes: [Waiter] = []
        while buffer.count < capacity, let publisher = blocked.popFirst() {
            buffer.append(publisher.message)
            resumes.append(publisher.continuation)
        }
        return resumes
    }

    /// A scheduled handler finished a batch. Returns `true` when more messages arrived
    /// meanwhile (stay scheduled), `false` when the consumer went idle.
    @inlinable
    mutating func finishScheduledBatch() -> Bool {
        if buffer.isEmpty {
            consumer = .idle
            return false
        }
        return true
    }

    /// An iterator found the buffer empty and offers to park. Returns `false` if it must
    /// not park (messages arrived, or the subscription closed): resume it at once.
    @inlinable
    mutating func park(_ continuation: Waiter, isCancelled: Bool) -> Bool {
        if !buffer.isEmpty || isClosed || isCancelled { return false }
        consumer = .waiting(continuation)
        return true
    }

    /// The parked iterator's task was cancelled.
    @inlinable
    mutating func unpark() -> Waiter? {
        guard case .waiting(let continuation) = consumer else { return nil }
        consumer = .active
        return continuation
    }

    /// Unsubscribe: buffered messages are still delivered; blocked publishers are released
    /// (their messages counted as dropped) and a parked iterator is woken to see the end.
    @inlinable
    mutating func close() -> (waiter: Waiter?, publishers: [Waiter]) {
        guard !isClosed else { return (nil, []) }
        isClosed = true
        dropped &+= UInt64(blocked.count)
        let publishers = blocked.map(\.continuation)
        blocked.removeAll()
        return (unpark(), publishers)
    }
}
