import DequeModule
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// A typed, in-process publish/subscribe bus: the Swift form of Phoenix.PubSub.
///
/// - Delivery: every current subscriber of a topic receives each message, in publish order
///   per publisher.
/// - Isolation: each subscriber has a bounded buffer with an explicit ``OverflowPolicy``;
///   drops are counted. Under the dropping policies a slow subscriber never delays the
///   others. Under ``OverflowPolicy/suspendPublisher`` a full subscriber suspends the
///   publisher — after every other subscriber has the message — so it delays that
///   publisher's next messages, to every subscriber.
/// - Speed: a publish takes one registry lock and one short lock per subscriber; it
///   allocates no task, and wakes a subscriber only if it is idle.
///
/// Two kinds of subscriber:
/// - ``subscribe(_:options:as:)`` returns a ``Subscription``, an `AsyncSequence` for a task
///   of your own (`for await message in subscription`).
/// - ``subscribe(_:options:as:handler:)`` runs a handler on the bus's runner tasks: no task
///   per subscriber (an agent supervised as a child still has the supervisor's task for
///   it: about 30 KB an idle agent in all, `Benchmarks/ idle-agents`). These handlers run
///   only while the bus's ``run()`` is running (it is the supervisor tree's infrastructure
///   child); they should not await long work.
public final class PubSub: Service, Sendable {
    /// Bus settings.
    public struct Configuration: Sendable {
        /// Runner tasks serving handler subscriptions. Default: the number of active cores, at least 2.
        public var runners: Int

        public init(runners: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)) {
            precondition(runners >= 1, "Switchyard: PubSub needs at least one runner (got \(runners))")
            self.runners = runners
        }
    }

    @usableFromInline
    struct Key: Hashable, Sendable {
        @usableFromInline var name: String
        @usableFromInline var type: ObjectIdentifier

        @inlinable
        init(name: String, type: ObjectIdentifier) {
            self.name = name
            self.type = type
        }
    }

    /// A topic's subscribers. Mutated only while holding the registry lock.
    @usableFromInline
    final class Channel<Message: Sendable>: @unchecked Sendable {
        @usableFromInline var subscribers: ContiguousArray<Mailbox<Message>> = []
        @usableFromInline let dropCounter: Counter

        @inlinable
        init(topic: String) {
            dropCounter = Counter(label: "switchyard_pubsub_dropped_total", dimensions: [("topic", topic)])
        }
    }

    @usableFromInline
    struct Registry {
        @usableFromInline var channels: [Key: AnyObject] = [:]
        @usableFromInline var typeNames: [String: String] = [:]

        @inlinable
        init() {}
    }

    @usableFromInline let registry = Mutex(Registry())
    @usableFromInline let nextID = Atomic<UInt64>(1)
    @usableFromInline let runQueue: RunQueue
    private let configuration: Configuration
    @usableFromInline let logger: Logger

    /// Creates a bus. It delivers to ``Subscription``s at once; handler subscriptions run
    /// once ``run()`` is running.
    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "switchyard.pubsub")) {
        self.configuration = configuration
        self.logger = logger
        self.runQueue = RunQueue(runners: configuration.runners)
    }

    /// A fresh subscriber identity, to subscribe several topics as one sender.
    @inlinable
    public func makeSubscriberID() -> SubscriberID {
        SubscriberID(rawValue: nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    // MARK: Subscribing

    /// Subscribes a task of your own: iterate the returned sequence.
    ///
    /// The subscription receives every message broadcast after this call returns. Iterate it
    /// from one task only. Iteration ends after ``Subscription/cancel()`` once the buffered
    /// messages are read, or when the iterating task is cancelled.
    @inlinable
    public func subscribe<Message: Sendable>(
        _ topic: Topic<Message>,
        options: SubscriptionOptions = .default,
        as owner: SubscriberID? = nil
    ) -> Subscription<Message> {
        Subscription(mailbox: add(topic, options: options, owner: owner, handler: nil), bus: self)
    }

    /// Subscribes a handler, run for each message on the bus's runners, one message at a
    /// time per subscription, in order.
    @inlinable
    public func subscribe<Message: Sendable>(
        _ topic: Topic<Message>,
        options: SubscriptionOptions = .default,
        as owner: SubscriberID? = nil,
        handler: @escaping @Sendable (Message) async -> Void
    ) -> SubscriptionHandle<Message> {
        SubscriptionHandle(mailbox: add(topic, options: options, owner: owner, handler: handler), bus: self)
    }

    @inlinable
    func add<Message: Sendable>(
        _ topic: Topic<Message>,
        options: SubscriptionOptions,
        owner: SubscriberID?,
        handler: (@Sendable (Message) async -> Void)?
    ) -> Mailbox<Message> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let key = Key(name: topic.name, type: ObjectIdentifier(Message.self))
        let typeName = String(describing: Message.self)
        let (mailbox, conflictingType) = registry.withLock { registry -> (Mailbox<Message>, String?) in
            let channel: Channel<Message>
            var conflict: String?
            if let existing = registry.channels[key] {
                channel = unsafeDowncast(existing, to: Channel<Message>.self)
            } else {
                channel = Channel(topic: topic.name)
                registry.channels[key] = channel
                if let other = registry.typeNames[topic.name], other != typeName { conflict = other }
                registry.typeNames[topic.name] = typeName
            }
            let mailbox = Mailbox(
                owner: owner ?? SubscriberID(rawValue: id),
                topic: topic,
                options: options,
                dropCounter: channel.dropCounter,
                handler: handler,
                runQueue: handler == nil ? nil : runQueue
            )
            mailbox.channelIndex = channel.subscribers.count
            channel.subscribers.append(mailbox)
            return (mailbox, conflict)
        }
        if let conflictingType {
            logger.warning(
                "topic name used with two message types; they are separate channels",
                metadata: [
                    "topic": "\(topic.name)", "topic.type": "\(typeName)", "topic.other_type": "\(conflictingType)",
                ]
            )
        }
        return mailbox
    }

    @usableFromInline
    func remove<Message: Sendable>(_ mailbox: Mailbox<Message>) {
        let key = Key(name: mailbox.topic.name, type: ObjectIdentifier(Message.self))
        registry.withLock { registry in
            guard let existing = registry.channels[key] else { return }
            let channel = unsafeDowncast(existing, to: Channel<Message>.self)
            let index = mailbox.channelIndex
            guard index >= 0, index < channel.subscribers.count, channel.subscribers[index] === mailbox else { return }
            let last = channel.subscribers.removeLast()
            if last !== mailbox {
                channel.subscribers[index] = last
                last.channelIndex = index
            }
            mailbox.channelIndex = -1
            if channel.subscribers.isEmpty {
                registry.channels[key] = nil
            }
        }
        mailbox.close()
    }

    /// The number of current subscribers of `topic`.
    public func subscriberCount<Message: Sendable>(of topic: Topic<Message>) -> Int {
        let key = Key(name: topic.name, type: ObjectIdentifier(Message.self))
        return registry.withLock { registry in
            registry.channels[key].map { unsafeDowncast($0, to: Channel<Message>.self).subscribers.count } ?? 0
        }
    }

    // MARK: Publishing

    /// Delivers `message` to every current subscriber of `topic`.
    ///
    /// Returns once the message is in every subscriber's buffer (or dropped by its policy).
    /// It suspends only for a subscriber with ``OverflowPolicy/suspendPublisher`` whose buffer
    /// is full, and only after every other subscriber has the message.
    @inlinable
    public func broadcast<Message: Sendable>(_ message: Message, on topic: Topic<Message>) async {
        await deliver(message, on: topic, skipping: nil)
    }

    /// Like ``broadcast(_:on:)``, but skips the subscriptions owned by `sender`
    /// (Phoenix's `broadcast_from`).
    @inlinable
    public func broadcast<Message: Sendable>(
        _ message: Message,
        on topic: Topic<Message>,
        from sender: SubscriberID
    ) async {
        await deliver(message, on: topic, skipping: sender)
    }

    @inlinable
    func deliver<Message: Sendable>(
        _ message: Message,
        on topic: Topic<Message>,
        skipping sender: SubscriberID?
    ) async {
        let key = Key(name: topic.name, type: ObjectIdentifier(Message.self))
        guard
            let subscribers = registry.withLock({ registry in
                registry.channels[key].map { unsafeDowncast($0, to: Channel<Message>.self).subscribers }
            })
        else { return }
        // Everyone who has room gets the message first; suspend-publisher subscribers that are
        // full are waited on afterwards, so they never delay the others. Mailboxes this
        // message woke are handed to the runners together, under one lock.
        var wake: [AnyMailbox] = []
        var full: [Mailbox<Message>] = []
        for mailbox in subscribers {
            if let sender, mailbox.owner == sender { continue }
            switch mailbox.offer(message) {
            case .delivered:
                break
            case .needsScheduling:
                if wake.isEmpty { wake.reserveCapacity(subscribers.count) }
                wake.append(mailbox)
            case .mustSuspend:
                full.append(mailbox)
            }
        }
        if !wake.isEmpty { runQueue.schedule(contentsOf: wake) }
        for mailbox in full {
            await mailbox.offerSuspending(message)
        }
    }

    // MARK: Running

    /// Runs the runners that serve handler subscriptions, until graceful shutdown or
    /// cancellation. On graceful shutdown the runners finish the messages already buffered
    /// and return.
    public func run() async throws {
        let runQueue = self.runQueue
        runQueue.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for index in 0..<configuration.runners {
                    group.addTask {
                        while let mailbox = await runQueue.next(runner: index) {
                            if await mailbox.drainer(mailbox) { runQueue.schedule(mailbox) }
                        }
                    }
                }
            }
        } onCancelOrGracefulShutdown: {
            runQueue.stop()
        }
    }
}
