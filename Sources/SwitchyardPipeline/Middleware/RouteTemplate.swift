import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchyardModel

/// The matched route's template (`/api/summaries/{id}`), or the path when none matched.
func route(_ request: Request, _ context: some RequestContext) -> String {
    guard let template = context.endpointPath, template != "NotFound" else { return request.uri.path }
    return template
}
