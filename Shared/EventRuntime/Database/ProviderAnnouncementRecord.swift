import Foundation
import GRDB
import ModelCatalog

/// A provider-bridge's latest announcement of the providers it serves, as last committed, so a
/// restarted service knows them before the bridge speaks again. Each service that routes has this
/// table (created by its own migration).
public struct ProviderAnnouncementRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "provider_announcements"

    public var bridgeID: String
    /// Stored as JSON.
    public var providers: [String]
    public var announcedAt: Date
    public var expiresAt: Date

    public init(bridgeID: String, providers: [String], announcedAt: Date, expiresAt: Date) {
        self.bridgeID = bridgeID
        self.providers = providers
        self.announcedAt = announcedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case providers
        case bridgeID = "bridge_id"
        case announcedAt = "announced_at"
        case expiresAt = "expires_at"
    }

    public var announcement: ProviderHealth.Announcement {
        ProviderHealth.Announcement(providers: Set(providers), announcedAt: announcedAt, expiresAt: expiresAt)
    }

    /// Creates the table; call from the service's own named migration.
    public static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("bridge_id", .text)
            table.column("providers", .text).notNull()
            table.column("announced_at", .datetime).notNull()
            table.column("expires_at", .datetime).notNull()
        }
    }
}
