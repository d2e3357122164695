import EventContracts
import Hummingbird

/// Gives a compatibility API's refusals that API's own error shape. Every error is first reduced to
/// the core's `APIError` (so its stable code and status are the core's), then drawn by `render`,
/// which keeps the core's code in a field of its own. A `CompatRefusal` already has its words.
struct CompatErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let render: @Sendable (APIError) -> [String: Any]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refusal as CompatRefusal {
            return CompatJSON.response(refusal.body, status: refusal.core.status, headers: refusal.core.headers)
        } catch {
            let core = APIError.normalising(error, logger: context.logger)
            return CompatJSON.response(render(core), status: core.status, headers: core.headers)
        }
    }
}

/// A refusal an adapter words itself (a seed's documented error body), with the core's error for
/// its status and code.
struct CompatRefusal: Error {
    let core: APIError
    let body: [String: Any]
}
