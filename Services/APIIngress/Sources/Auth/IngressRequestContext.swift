import Hummingbird
import HummingbirdAuth

/// Per-request context: Hummingbird's core storage plus the authenticated identity, the id of the
/// workspace the credential acts for (set by `APIKeyAuthenticator`).
struct IngressRequestContext: AuthRequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
    }

    /// The authenticated workspace; routes behind the authenticator can rely on it.
    func requireWorkspace() throws -> String {
        guard let identity else { throw APIError(.unauthorized, "missing API key") }
        return identity
    }
}
