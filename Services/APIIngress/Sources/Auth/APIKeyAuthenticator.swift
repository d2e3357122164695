import EventRuntime
import GRDB
import Hummingbird
import HummingbirdAuth
import Signing
import Synchronization

/// Resolves `Authorization: Bearer <credential>` to a workspace: an API key (looked up by its
/// SHA-256, so the comparison never touches the secret itself), or, when a JWT secret is
/// configured, an HS256 JWT whose `workspace_id` claim names the workspace. Anything else is a 401.
struct APIKeyAuthenticator: AuthenticatorMiddleware {
    typealias Context = IngressRequestContext
    let database: ServiceDatabase
    /// Verifies JWT bearer tokens; nil when `INGRESS_JWT_SECRET` is unset (then only API keys work).
    let jwt: HS256Tokens?
    /// Keys seen before, by hash: keys are never edited, so a hit needs no database read.
    let knownKeys: KnownAPIKeys
    /// The `Authorization` schemes taken: `bearer`, and `token` for an API whose clients send that.
    let schemes: [String]

    init(database: ServiceDatabase, jwt: HS256Tokens?, knownKeys: KnownAPIKeys = KnownAPIKeys(), schemes: [String] = ["bearer"]) {
        self.database = database
        self.jwt = jwt
        self.knownKeys = knownKeys
        self.schemes = schemes
    }

    /// The credential's workspace id; throws a 401 for a missing or unknown credential, so no route
    /// behind this middleware runs unauthenticated.
    func authenticate(request: Request, context: IngressRequestContext) async throws -> String? {
        try await grant(of: request).workspaceID
    }

    func handle(_ request: Request, context: IngressRequestContext,
                next: (Request, IngressRequestContext) async throws -> Response) async throws -> Response {
        let grant = try await grant(of: request)
        var context = context
        context.identity = grant.workspaceID
        context.grantedWorkspaces = grant.others
        context.logger[metadataKey: "workspace_id"] = "\(grant.workspaceID)"
        return try await next(request, context)
    }

    private func grant(of request: Request) async throws -> (workspaceID: String, others: [String]) {
        guard let credential = request.credential(schemes: schemes) else {
            let spelled = schemes.map { "'Authorization: \($0.prefix(1).uppercased() + $0.dropFirst()) <credential>'" }.joined(separator: " or ")
            throw APIError(.unauthorized, "send an API key or a JWT as \(spelled)")
        }
        return try await workspace(for: credential)
    }

    private func workspace(for credential: String) async throws -> (workspaceID: String, others: [String]) {
        if credential.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
            guard let jwt else { throw APIError(.unauthorized, "JWT bearer tokens are not enabled on this server; use an API key") }
            let claims: WorkspaceClaims
            do {
                claims = try await jwt.verify(credential, as: WorkspaceClaims.self)
            } catch {
                throw APIError(.unauthorized, "invalid token: \(error)")
            }
            let others = claims.workspaceIDs ?? []
            guard AdminRoutes.isWorkspaceID(claims.workspaceID), others.allSatisfy(AdminRoutes.isWorkspaceID) else {
                throw APIError(.unauthorized, "invalid token: the 'workspace_id' or 'workspace_ids' claim is malformed")
            }
            return (claims.workspaceID, others)
        }
        let keyHash = APIKeyRecord.hash(credential)
        if let workspaceID = knownKeys.workspace(forHash: keyHash) { return (workspaceID, []) }
        guard let record = try await database.pool.read({ db in try APIKeyRecord.fetchOne(db, key: keyHash) }) else {
            throw APIError(.unauthorized, "unknown API key")
        }
        knownKeys.remember(hash: keyHash, workspaceID: record.workspaceID)
        return (record.workspaceID, [])
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
