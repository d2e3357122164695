import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird

/// `GET /v1/workspaces/{id}/balance` and `/ledger` (api-ingress's view of billing's ledger, kept from
/// billing's events), and the workspace's webhook secret. Another workspace's id is a 404.
struct WorkspaceRoutes {
    let files: WorkspaceFiles

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.get("/workspaces/:workspace/balance", use: balance)
        router.get("/workspaces/:workspace/ledger", use: ledger)
        router.get("/workspaces/:workspace/webhook-secret", use: webhookSecret)
        router.post("/workspaces/:workspace/webhook-secret/rotate", use: rotateWebhookSecret)
    }

    struct Balance: Encodable {
        struct Expiry: Encodable {
            let credits: Int64
            let expiresAt: Date

            enum CodingKeys: String, CodingKey {
                case credits
                case expiresAt = "expires_at"
            }
        }
        let workspaceID: String
        let balance: Int64
        /// The ledger entry the balance follows; 0 before any.
        let ledgerSequence: Int64
        let asOf: Date?
        let expiring: [Expiry]

        enum CodingKeys: String, CodingKey {
            case balance, expiring
            case workspaceID = "workspace_id"
            case ledgerSequence = "ledger_sequence"
            case asOf = "as_of"
        }
    }

    struct LedgerPage: Encodable {
        struct Entry: Encodable {
            let id: String
            let sequence: Int64
            let kind: String
            let credits: Int64
            let balanceAfter: Int64
            let jobID: String?
            let expiresAt: Date?
            let createdAt: Date

            enum CodingKeys: String, CodingKey {
                case id, sequence, kind, credits
                case balanceAfter = "balance_after"
                case jobID = "job_id"
                case expiresAt = "expires_at"
                case createdAt = "created_at"
            }
        }
        let data: [Entry]
        let nextCursor: String?
        let hasMore: Bool

        enum CodingKeys: String, CodingKey {
            case data
            case nextCursor = "next_cursor"
            case hasMore = "has_more"
        }
    }

    struct WebhookSecret: Encodable {
        let workspaceID: String
        let secret: String

        enum CodingKeys: String, CodingKey {
            case secret
            case workspaceID = "workspace_id"
        }
    }

    /// The caller's workspace when the path names it; any other is a 404, never a leak.
    private func ownWorkspace(_ context: IngressRequestContext) throws -> String {
        let workspaceID = try context.requireWorkspace()
        let requested = try context.parameters.require("workspace")
        guard requested == workspaceID else { throw APIError(.notFound, "workspace '\(requested)' not found") }
        return workspaceID
    }

    @Sendable func balance(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try ownWorkspace(context)
        let record = try await files.database(of: workspaceID).pool.read { db in try WorkspaceBalanceRecord.fetchOne(db, key: workspaceID) }
        let now = Date()
        let nowMilliseconds = now.millisecondsSince1970
        let balance = Balance(
            workspaceID: workspaceID, balance: record?.balance(at: now) ?? 0, ledgerSequence: record?.ledgerSequence ?? 0, asOf: record?.asOf,
            expiring: (record?.expiries ?? []).filter { $0.expiresAtMilliseconds > nowMilliseconds && $0.credits > 0 }
                .map { Balance.Expiry(credits: $0.credits, expiresAt: Date(millisecondsSince1970: $0.expiresAtMilliseconds)) })
        return try JSONResponse.make(balance, status: .ok)
    }

    /// Newest first; `cursor` is the sequence number to continue below.
    @Sendable func ledger(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try ownWorkspace(context)
        let query = request.uri.queryParameters
        let limit = try query["limit"].map { text in
            guard let limit = Int(text), (1...100).contains(limit) else { throw APIError(.invalidRequest, "limit must be from 1 to 100; got '\(text)'") }
            return limit
        } ?? 50
        let before = try query["cursor"].map { text in
            guard let sequence = Int64(text), sequence > 0 else { throw APIError(.invalidRequest, "cursor is not one this API handed out") }
            return sequence
        }
        let entries = try await files.database(of: workspaceID).pool.read { db in
            var request = LedgerViewRecord.filter(Column("workspace_id") == workspaceID)
            if let before { request = request.filter(Column("sequence") < before) }
            return try request.order(Column("sequence").desc).limit(limit + 1).fetchAll(db)
        }
        let page = entries.prefix(limit)
        let next = entries.count > limit ? page.last.map { String($0.sequence) } : nil
        return try JSONResponse.make(LedgerPage(
            data: page.map { .init(id: $0.entryID, sequence: $0.sequence, kind: $0.kind.rawValue, credits: $0.credits, balanceAfter: $0.balanceAfter,
                                   jobID: $0.jobID, expiresAt: $0.expiresAt, createdAt: $0.createdAt) },
            nextCursor: next, hasMore: next != nil), status: .ok)
    }

    /// The `whsec_` secret the workspace's webhooks are signed with (made on first request).
    @Sendable func webhookSecret(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try ownWorkspace(context)
        let secret = try await files.database(of: workspaceID).pool.write { db in try WebhookSecretRecord.secret(for: workspaceID, in: db) }
        return try JSONResponse.make(WebhookSecret(workspaceID: workspaceID, secret: secret), status: .ok)
    }

    /// A new secret; messages are signed with it from the next attempt on.
    @Sendable func rotateWebhookSecret(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try ownWorkspace(context)
        let secret = try await files.database(of: workspaceID).pool.write { db in try WebhookSecretRecord.rotate(for: workspaceID, in: db) }
        context.logger.notice("Webhook secret rotated")
        return try JSONResponse.make(WebhookSecret(workspaceID: workspaceID, secret: secret), status: .ok)
    }
}
