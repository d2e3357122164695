import Crypto
import EventContracts
import Foundation
import GRDB

/// An API key of a workspace, stored only as its SHA-256 hash (and a short prefix to tell keys apart).
struct APIKeyRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "api_keys"

    var keyHash: String
    var workspaceID: String
    var createdAt: Date
    /// The key's first characters, for people to recognise it; nil for keys made before v4.
    var keyPrefix: String?
    var name: String?

    enum CodingKeys: String, CodingKey {
        case name
        case keyHash = "key_hash"
        case workspaceID = "workspace_id"
        case createdAt = "created_at"
        case keyPrefix = "key_prefix"
    }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).hexEncoded
    }

    /// A new key: `rr_` and 32 random bytes, base64url.
    static func generateKey() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "rr_" + Base64URL.encode(bytes)
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

    /// v4: keys made through the admin API carry a prefix and a name.
    static func addPrefixAndName(_ db: Database) throws {
        try db.alter(table: databaseTableName) { table in
            table.add(column: "key_prefix", .text)
            table.add(column: "name", .text)
        }
    }
}
