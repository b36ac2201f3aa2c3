import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

/// How large a request body each route reads, in bytes.
///
/// ```toml
/// [server]
/// max_body_bytes = 1048576        # every route without its own limit
///
/// [server.body_limits]            # by route template, as registered
/// "/auth/login" = 4096
/// "/api/summaries" = 262144
/// ```
public struct BodyLimits: Sendable, Hashable {
    /// Hummingbird's own default, 2 MiB.
    public static let hummingbirdDefault = 2 * 1024 * 1024

    /// The limit of every route not in ``routes``. Default 2 MiB.
    public var standard: Int
    /// Limits by route template (`/api/summaries/{id}`), normalised as the router writes them.
    public private(set) var routes: [String: Int]

    public init(standard: Int = hummingbirdDefault, routes: [String: Int] = [:]) {
        self.standard = standard
        self.routes = [:]
        for (route, limit) in routes { self[route: route] = limit }
    }

    /// The limit of one route template; setting `nil` removes it.
    public subscript(route route: String) -> Int? {
        get { routes[RouterPath(route).description] }
        set { routes[RouterPath(route).description] = newValue }
    }

    /// The limit for a request that matched `route` (`nil` when none matched).
    public func limit(forRoute route: String?) -> Int {
        route.flatMap { routes[$0] } ?? standard
    }
}
