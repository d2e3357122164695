import EventRuntime
import GRDB
import Hummingbird
import Signing
import Synchronization

/// Resolves `Authorization: Bearer <credential>` to a workspace: an API key (looked up by its
/// SHA-256, so the comparison never touches the secret itself), or, when a JWT secret is
/// configured, an HS256 JWT whose `workspace_id` claim names the workspace. Anything else is a 401.
struct APIKeyAuthenticator: RouterMiddleware {
    let database: ServiceDatabase
    /// Verifies JWT bearer tokens; nil when `INGRESS_JWT_SECRET` is unset (then only API keys work).
    let jwt: HS256JWT?
    /// Keys seen before, by hash: keys are never edited, so a hit needs no database read.
    let knownKeys = KnownAPIKeys()

    func handle(_ request: Request, context: IngressRequestContext,
                next: (Request, IngressRequestContext) async throws -> Response) async throws -> Response {
        guard let credential = request.bearerToken else {
            throw APIError(.unauthorized, "send an API key or a JWT as 'Authorization: Bearer <credential>'")
        }
        let workspaceID = try await workspace(for: credential)
        var context = context
        context.workspaceID = workspaceID
        context.logger[metadataKey: "workspace_id"] = "\(workspaceID)"
        return try await next(request, context)
    }

    private func workspace(for credential: String) async throws -> String {
        if credential.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
            guard let jwt else { throw APIError(.unauthorized, "JWT bearer tokens are not enabled on this server; use an API key") }
            let claims: [String: Any]
            do {
                claims = try jwt.verify(credential)
            } catch {
                throw APIError(.unauthorized, "invalid token: \(error)")
            }
            guard let workspaceID = claims["workspace_id"] as? String, AdminRoutes.isWorkspaceID(workspaceID) else {
                throw APIError(.unauthorized, "invalid token: the 'workspace_id' claim is missing or malformed")
            }
            return workspaceID
        }
        let keyHash = APIKeyRecord.hash(credential)
        if let workspaceID = knownKeys.workspace(forHash: keyHash) { return workspaceID }
        guard let record = try await database.pool.read({ db in try APIKeyRecord.fetchOne(db, key: keyHash) }) else {
            throw APIError(.unauthorized, "unknown API key")
        }
        knownKeys.remember(hash: keyHash, workspaceID: record.workspaceID)
        return record.workspaceID
    }
}

/// A bounded memo of key hash → workspace.
final class KnownAPIKeys: Sendable {
    private let entries = Mutex<[String: String]>([:])
    private let capacity = 10_000

    func workspace(forHash hash: String) -> String? { entries.withLock { $0[hash] } }

    func remember(hash: String, workspaceID: String) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = workspaceID
        }
    }
}
