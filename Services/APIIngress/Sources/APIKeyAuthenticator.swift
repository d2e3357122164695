import GRDB
import Hummingbird
import Shared

/// Resolves `Authorization: Bearer <key>` to the key's workspace; no or an unknown key is a 401.
/// Keys are looked up by hash, so the comparison never touches the secret itself.
struct APIKeyAuthenticator: RouterMiddleware {
    let database: ServiceDatabase

    func handle(_ request: Request, context: IngressRequestContext,
                next: (Request, IngressRequestContext) async throws -> Response) async throws -> Response {
        guard let key = request.bearerToken else {
            throw APIError(.unauthorized, "send an API key as 'Authorization: Bearer <key>'")
        }
        let keyHash = APIKeyRecord.hash(key)
        guard let record = try await database.pool.read({ db in try APIKeyRecord.fetchOne(db, key: keyHash) }) else {
            throw APIError(.unauthorized, "unknown API key")
        }
        var context = context
        context.workspaceID = record.workspaceID
        context.logger[metadataKey: "workspace_id"] = "\(record.workspaceID)"
        return try await next(request, context)
    }
}
