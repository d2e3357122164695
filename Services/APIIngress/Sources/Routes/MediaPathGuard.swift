import Hummingbird

/// Lets through to the local-disk file server only `/media/…/generation-videos/<file>.mp4|.jpg`:
/// the storage folder also holds the clients' input photos, which are never served.
struct MediaPathGuard<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/media/") else { return try await next(request, context) }
        let segments = path.split(separator: "/")
        guard segments.count >= 3, segments[segments.count - 2] == "generation-videos",
              let last = segments.last, last.hasSuffix(".mp4") || last.hasSuffix(".jpg"),
              !segments.contains(where: { $0 == ".." || $0 == "." }) else {
            throw HTTPError(.notFound)
        }
        return try await next(request, context)
    }
}
