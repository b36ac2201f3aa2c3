import SwitchyardLLM

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
