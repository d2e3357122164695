import Hummingbird
import HummingbirdAuth

/// Per-request context: Hummingbird's core storage plus the authenticated identity, the id of the
/// workspace the credential acts for (set by `APIKeyAuthenticator`).
struct IngressRequestContext: AuthRequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: String?
    /// Further workspaces the credential may act for, when a request names one (a JWT's `workspace_ids`).
    var grantedWorkspaces: [String] = []

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
    }

    /// The authenticated workspace; routes behind the authenticator can rely on it.
    func requireWorkspace() throws -> String {
        guard let identity else { throw APIError(.unauthorized, "missing API key") }
        return identity
    }

    /// `requested` when the credential may act for it, else a 404 (as for any workspace not the caller's).
    func workspace(named requested: String) throws -> String {
        let workspaceID = try requireWorkspace()
        guard requested == workspaceID || grantedWorkspaces.contains(requested) else {
            throw APIError(.notFound, "workspace '\(requested)' not found")
        }
        return requested
    }
}
