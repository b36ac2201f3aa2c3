import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardJobs
import SwitchyardPipeline
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

/// Puts a plan in the context, standing in for the subscription gate.
struct SetPlan: RouterMiddleware {
    typealias Context = APIContext
    let plan: Plan
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.plan = plan
        return try await next(request, context)
    }
}
