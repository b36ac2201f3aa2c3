import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

// The API layer (`functions/api/_middleware.js` in a Cloudflare Pages app): three separate gates on the
// authenticated ``APIContext`` — subscription, usage limits, feature access — each doing one
// thing. No session logic (the root layer did it) and no business logic (workers do it).

/// Gate 1: the caller has an active subscription to a configured plan; puts the ``Plan`` in
/// the context.
public struct SubscriptionMiddleware: RouterMiddleware {
    public typealias Context = APIContext

    let subscriptions: any PlanSubscriptionStore
    let plans: [String: Plan]

    public init(subscriptions: any PlanSubscriptionStore, plans: [String: Plan]) {
        self.subscriptions = subscriptions
        self.plans = plans
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard let subscription = try await subscriptions.subscription(for: context.identity.subject) else {
            throw APIError.noSubscription()
        }
        guard subscription.status == .active else {
            throw APIError.subscriptionInactive(subscription)
        }
        guard let plan = plans[subscription.plan] else {
            // Our data names a plan our configuration lacks: a server fault, not the caller's.
            throw APIError.planNotConfigured(subscription.plan)
        }
        var context = context
        context.plan = plan
        return try await next(request, context)
    }
}
