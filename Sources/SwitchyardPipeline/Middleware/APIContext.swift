import Foundation
import Hummingbird
import Logging
import NIOCore

/// The context of the API route group. It exists only for an authenticated caller: building
/// it from a ``PipelineContext`` without an identity throws ``APIError/unauthenticated(file:line:)`` (or,
/// when a session cookie came and was refused, why it was), so no API handler or middleware
/// ever sees an anonymous request.
///
/// The API layer fills it in order: ``SubscriptionMiddleware`` sets ``plan``,
/// ``UsageLimitMiddleware`` sets ``usage`` (charged before the handler, or by the thin proxy).
public struct APIContext: ChildRequestContext {
    public typealias ParentContext = PipelineContext

    public var coreContext: CoreRequestContextStorage
    public let identity: Identity
    /// The caller's active plan.
    public var plan: Plan?
    /// What this request costs, when the route costs anything: the usage gate's charge, left
    /// to the handler to count (see ``chargeUsage()``).
    package var usage: UsageCharge?
    /// The route's body limit, from the parent context.
    public let maxUploadSize: Int

    public init(context: PipelineContext) throws {
        guard let identity = context.identity else {
            throw context.rejectedCookie.map { APIError.invalidSession($0) } ?? APIError.unauthenticated()
        }
        self.coreContext = context.coreContext
        self.identity = identity
        self.maxUploadSize = context.maxUploadSize
    }

    /// Request bodies are read as snake_case JSON (``PipelineJSONRequestDecoder``).
    public var requestDecoder: PipelineJSONRequestDecoder { .init() }
    /// Values a handler returns are written as snake_case JSON (``PipelineJSONResponseEncoder``).
    public var responseEncoder: PipelineJSONResponseEncoder { .init() }

    /// Counts this request against the caller's plan now, for a handler of your own that is not
    /// a ``ThinProxy`` (under ``UsageLimitMiddleware/Charging/byProxy``): call it before doing
    /// the work. Once counted (or on a route that costs nothing) it does nothing.
    /// - Returns: the stored response when this is a retry of a completed idempotent request:
    ///   answer with it.
    /// - Throws: ``APIError`` when the request is refused (over the limit, a key in use).
    public func chargeUsage() async throws -> Response? {
        try await usage?.charge()
    }
}
