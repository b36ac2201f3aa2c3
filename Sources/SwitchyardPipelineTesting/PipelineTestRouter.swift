import Hummingbird
import SwitchyardPipeline

/// A test app's router: the root layer (session verification, body limits, the error
/// envelope) without metrics, ready for routes and an API group.
public func pipelineTestRouter(
    sessions signer: SessionSigner, bodyLimits: BodyLimits = BodyLimits()
) -> Router<PipelineContext> {
    let router = Router(context: PipelineContext.self)
    router.addRootMiddleware(sessions: signer, metrics: nil, bodyLimits: bodyLimits)
    return router
}
