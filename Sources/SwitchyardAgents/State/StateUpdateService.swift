import ServiceLifecycle

/// The central state's owner for one topic: applies each message to the ``StateStore`` with
/// `update`, and publishes what the change returns (the plan's `### Updates` row: on, does,
/// publishes). Updates run one at a time, in message order; the store publishes each change.
public struct StateUpdateService<Message: Sendable, State: Sendable, Output: Sendable>: Service {
    private let messages: Subscription<Message>
    private let store: StateStore<State>
    private let bus: PubSub
    private let publishing: Topic<Output>?
    private let update: @Sendable (Message, inout State) throws -> Output

    /// Subscribes to `topic` at once, so no message published after `init` is missed.
    public init(
        on topic: Topic<Message>, store: StateStore<State>, bus: PubSub, publishing: Topic<Output>,
        update: @escaping @Sendable (Message, inout State) throws -> Output
    ) {
        self.messages = bus.subscribe(topic, options: .init(capacity: 256, overflow: .suspendPublisher))
        self.store = store
        self.bus = bus
        self.publishing = publishing
        self.update = update
    }

    public func run() async throws {
        let (messages, store, bus, publishing, update) = (messages, store, bus, publishing, update)
        try await withTaskCancellationOrGracefulShutdownHandler {
            for await message in messages {
                let output = try await store.update { state in try update(message, &state) }
                if let publishing { await bus.broadcast(output, on: publishing) }
            }
        } onCancelOrGracefulShutdown: {
            messages.cancel()
        }
    }
}

extension StateUpdateService where Output == Void {
    /// An update that publishes nothing but the state change itself.
    public init(
        on topic: Topic<Message>, store: StateStore<State>, bus: PubSub,
        update: @escaping @Sendable (Message, inout State) throws -> Void
    ) {
        self.messages = bus.subscribe(topic, options: .init(capacity: 256, overflow: .suspendPublisher))
        self.store = store
        self.bus = bus
        self.publishing = nil
        self.update = update
    }
}
