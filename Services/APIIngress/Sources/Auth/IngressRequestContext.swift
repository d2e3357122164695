import Hummingbird

/// Per-request context: Hummingbird's core storage plus the workspace the API key belongs to.
struct IngressRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyAuthenticator` for authenticated routes.
    var workspaceID: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        workspaceID = nil
    }

    /// The authenticated workspace; routes behind the authenticator can rely on it.
    func requireWorkspace() throws -> String {
        guard let workspaceID else { throw APIError(.unauthorized, "missing API key") }
        return workspaceID
    }
}
