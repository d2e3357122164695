import Crypto
import Foundation
import GRDB

/// An API key of a workspace, stored only as its SHA-256 hash.
struct APIKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_keys"

    var keyHash: String
    var workspaceID: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case keyHash = "key_hash"
        case workspaceID = "workspace_id"
        case createdAt = "created_at"
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).hexEncoded
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("api-ingress-v1-api-keys") { db in
            try db.create(table: databaseTableName) { table in
                table.primaryKey("key_hash", .text)
                table.column("workspace_id", .text).notNull()
                table.column("created_at", .datetime).notNull()
            }
        }
    }
}
