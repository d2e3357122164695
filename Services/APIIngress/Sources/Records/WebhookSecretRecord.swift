import Foundation
import GRDB
import Signing

/// A workspace's Standard Webhooks secret (`whsec_…`), made on first use. Kept in the clear: it is a
/// signing key RoomReel must use, not a password it checks.
struct WebhookSecretRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webhook_secrets"

    var workspaceID: String
    var secret: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case secret
        case workspaceID = "workspace_id"
        case createdAt = "created_at"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("workspace_id", .text)
            table.column("secret", .text).notNull()
            table.column("created_at", .datetime).notNull()
        }
    }

    /// The workspace's secret, made now if it has none.
    static func secret(for workspaceID: String, in db: Database) throws -> String {
        if let record = try fetchOne(db, key: workspaceID) { return record.secret }
        let record = WebhookSecretRecord(workspaceID: workspaceID, secret: StandardWebhookSignature.generateSecret(), createdAt: Date())
        try record.insert(db)
        return record.secret
    }

    /// Replaces the workspace's secret with a new one.
    static func rotate(for workspaceID: String, in db: Database) throws -> String {
        let record = WebhookSecretRecord(workspaceID: workspaceID, secret: StandardWebhookSignature.generateSecret(), createdAt: Date())
        try record.save(db)
        return record.secret
    }
}
