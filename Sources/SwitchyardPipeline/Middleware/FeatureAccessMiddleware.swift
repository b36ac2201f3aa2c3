import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Gate 3: the route's feature is in the caller's plan. Apply it to the group of routes
/// offering the feature.
public struct FeatureAccessMiddleware: RouterMiddleware {
    public typealias Context = APIContext

    let feature: String
    let plans: [String: Plan]

    /// - Parameter plans: every configured plan, to name the ones that include `feature`.
    public init(_ feature: String, plans: [String: Plan]) {
        self.feature = feature
        self.plans = plans
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard let plan = context.plan else {
            throw APIError.middlewareOrder("feature access needs the subscription gate first")
        }
        guard plan.features.contains(feature) else {
            let offering = plans.values.filter { $0.features.contains(feature) }.map(\.name).sorted()
            throw APIError.featureNotInPlan(feature, plan: plan, offering: offering)
        }
        return try await next(request, context)
    }
}
