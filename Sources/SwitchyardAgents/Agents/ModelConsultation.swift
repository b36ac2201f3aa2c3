import Logging
import SwitchyardModel
import Synchronization

/// Calls `model` with `request` under `timeout` and parses the reply; every way this can go
/// wrong comes back as the ``FallbackReason`` the caller's fallback is used for.
///
/// Shared by ``LLMAgentService`` and ``Coordinator``, so both classify failures the same way.
func consultModel<Value, C: Clock>(
    _ model: (any LanguageModel)?,
    request: ModelRequest?,
    timeout: Duration,
    clock: C,
    parse: (ModelReply) throws -> Value
) async -> Result<Value, FallbackReason> where C.Duration == Duration {
    guard let model, let request else { return .failure(FallbackReason(.noModel)) }
    let reply: ModelReply
    do {
        reply = try await withTimeout(timeout, clock: clock) { try await model.complete(request) }
    } catch let error as TimeoutError {
        return .failure(FallbackReason(.timeout, detail: error.description))
    } catch {
        return .failure(FallbackReason(.modelError, detail: "\(error)"))
    }
    do {
        return .success(try parse(reply))
    } catch {
        return .failure(FallbackReason(.unparsableReply, detail: "\(error)"))
    }
}

/// Whether a model answers, so that an unreachable or silent model is logged once when it
/// starts failing (warning) and once when it answers again (notice), not on every call.
final class ModelHealth: Sendable {
    private let failing = Atomic<Bool>(false)

    /// Records the outcome of one model call.
    func record<Value>(_ result: Result<Value, FallbackReason>, logger: Logger) {
        switch result {
        case .success:
            if failing.exchange(false, ordering: .relaxed) {
                logger.notice("the model answers again")
            }
        case .failure(let reason) where reason.kind == .timeout || reason.kind == .modelError:
            if !failing.exchange(true, ordering: .relaxed) {
                logger.warning(
                    "the model is unreachable or does not answer in time; using the fallback until it does",
                    metadata: ["fallback.reason": "\(reason.kind.rawValue)", "error": "\(reason.detail)"])
            }
        case .failure:
            break
        }
    }
}
