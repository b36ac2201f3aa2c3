import ServiceLifecycle
import SwitchyardAgents

/// Seats the guests on each tick: serves what they ask for from the central state and
/// publishes the ``ServiceReport`` that triggers the agents.
public struct DiningRoom: Service {
    private let ticks: Subscription<Tick>
    private let store: StateStore<KitchenState>
    private let bus: PubSub

    /// Subscribes to ticks at once.
    public init(store: StateStore<KitchenState>, bus: PubSub) {
        self.ticks = bus.subscribe(KitchenTopics.tick, options: .init(capacity: 64))
        self.store = store
        self.bus = bus
    }

    public func run() async throws {
        let ticks = self.ticks
        try await withTaskCancellationOrGracefulShutdownHandler {
            for await tick in ticks {
                let report = try await store.update { state in
                    let (served, missed) = state.serve(guestDemand(tick: tick.number, prices: state.prices))
                    return ServiceReport(tick: tick.number, served: served, missed: missed, state: state)
                }
                await bus.broadcast(report, on: KitchenTopics.service)
            }
        } onCancelOrGracefulShutdown: {
            ticks.cancel()
        }
    }
}

/// Carries out the coordinator's directives on the central state.
public struct DirectiveDesk: Service {
    private let directives: Subscription<Directive<KitchenDecision>>
    private let store: StateStore<KitchenState>

    /// Subscribes to directives at once.
    public init(store: StateStore<KitchenState>, bus: PubSub) {
        self.directives = bus.subscribe(
            KitchenTopics.directives, options: .init(capacity: 256, overflow: .suspendPublisher))
        self.store = store
    }

    public func run() async throws {
        let directives = self.directives
        try await withTaskCancellationOrGracefulShutdownHandler {
            for await directive in directives {
                try await store.update { $0.apply(directive.decision) }
            }
        } onCancelOrGracefulShutdown: {
            directives.cancel()
        }
    }
}
