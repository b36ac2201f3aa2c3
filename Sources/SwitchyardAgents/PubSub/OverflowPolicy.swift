/// What a subscriber's buffer does when a message arrives and it is full.
///
/// Every policy counts what it drops (``Subscription/droppedCount``, the
/// `switchyard_pubsub_dropped_total` metric); nothing is dropped silently.
public struct OverflowPolicy: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline
    enum Base: Hashable, Sendable {
        case dropOldest
        case dropNewest
        case suspendPublisher
    }

    @usableFromInline
    let base: Base

    @inlinable
    init(base: Base) { self.base = base }

    /// Drop the oldest buffered message to make room: the subscriber sees the latest state.
    /// Right for ticks, prices and other "only the newest matters" streams. The default.
    public static let dropOldest = OverflowPolicy(base: .dropOldest)

    /// Drop the arriving message: the subscriber sees the earliest messages.
    public static let dropNewest = OverflowPolicy(base: .dropNewest)

    /// Suspend the publisher until the subscriber has room: lossless, but the slow subscriber
    /// paces every publisher of the topic. Other subscribers still receive each message
    /// before the publisher suspends, but the publisher's later messages reach them only
    /// once it resumes.
    public static let suspendPublisher = OverflowPolicy(base: .suspendPublisher)

    @inlinable
    var isDropOldest: Bool { base == .dropOldest }
    @inlinable
    var isDropNewest: Bool { base == .dropNewest }

    public var description: String {
        switch base {
        case .dropOldest: "dropOldest"
        case .dropNewest: "dropNewest"
        case .suspendPublisher: "suspendPublisher"
        }
    }
}

/// How a subscription buffers messages.
public struct SubscriptionOptions: Sendable, Hashable {
    /// The most messages buffered for this subscriber. Default 1024.
    public var capacity: Int
    /// What happens when the buffer is full. Default ``OverflowPolicy/dropOldest``.
    public var overflow: OverflowPolicy

    /// - Precondition: `capacity >= 1`.
    public init(capacity: Int = 1024, overflow: OverflowPolicy = .dropOldest) {
        precondition(capacity >= 1, "Switchyard: a subscription's capacity must be at least 1 (got \(capacity))")
        self.capacity = capacity
        self.overflow = overflow
    }

    /// 1024 messages, drop oldest.
    public static let `default` = SubscriptionOptions()
}

/// Identifies a subscriber for ``PubSub/broadcast(_:on:from:)``, which skips the sender.
///
/// One identity may own several subscriptions (an agent subscribed to several topics).
public struct SubscriberID: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline
    let rawValue: UInt64

    @inlinable
    init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "subscriber-\(rawValue)" }
}
