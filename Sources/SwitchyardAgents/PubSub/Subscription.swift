import DequeModule

/// A subscription read by a task of your own: an `AsyncSequence` of the topic's messages.
///
/// Iterate it from one task. Iteration ends after ``cancel()`` (once buffered messages are
/// read) or when the iterating task is cancelled.
public struct Subscription<Message: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias Failure = Never

    @usableFromInline let mailbox: Mailbox<Message>
    @usableFromInline let bus: PubSub

    @inlinable
    init(mailbox: Mailbox<Message>, bus: PubSub) {
        self.mailbox = mailbox
        self.bus = bus
    }

    /// The identity this subscription was made as (see ``PubSub/broadcast(_:on:from:)``).
    public var owner: SubscriberID { mailbox.owner }
    /// The subscribed topic.
    public var topic: Topic<Message> { mailbox.topic }
    /// Messages dropped by this subscription's overflow policy so far.
    public var droppedCount: UInt64 { mailbox.droppedCount }
    /// Messages buffered and not yet read.
    public var bufferedCount: Int { mailbox.bufferedCount }

    /// Unsubscribes. Messages already buffered can still be read; then iteration ends.
    public func cancel() { bus.remove(mailbox) }

    @inlinable
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(mailbox: mailbox) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let mailbox: Mailbox<Message>
        /// Messages taken from the mailbox in one batch, read without locking.
        @usableFromInline var local: Deque<Message> = []

        @inlinable
        init(mailbox: Mailbox<Message>) { self.mailbox = mailbox }

        @inlinable
        public mutating func next() async -> Message? {
            if let message = local.popFirst() { return message }
            return await mailbox.next(refilling: &local)
        }

        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Message? {
            if let message = local.popFirst() { return message }
            return await mailbox.next(refilling: &local)
        }
    }
}

/// A handler subscription (see ``PubSub/subscribe(_:options:as:handler:)``).
public struct SubscriptionHandle<Message: Sendable>: Sendable {
    @usableFromInline let mailbox: Mailbox<Message>
    @usableFromInline let bus: PubSub

    @inlinable
    init(mailbox: Mailbox<Message>, bus: PubSub) {
        self.mailbox = mailbox
        self.bus = bus
    }

    /// The identity this subscription was made as.
    public var owner: SubscriberID { mailbox.owner }
    /// The subscribed topic.
    public var topic: Topic<Message> { mailbox.topic }
    /// Messages dropped by this subscription's overflow policy so far.
    public var droppedCount: UInt64 { mailbox.droppedCount }
    /// Messages buffered and not yet handled.
    public var bufferedCount: Int { mailbox.bufferedCount }

    /// Unsubscribes. Messages already buffered are still handled.
    public func cancel() { bus.remove(mailbox) }
}
