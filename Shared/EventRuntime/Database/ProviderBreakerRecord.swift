import Foundation
import GRDB
import ModelCatalog

/// A provider's circuit breaker as last committed, so a restarted service remembers which providers
/// were failing. Each service that keeps breakers has this table (created by its own migration).
public struct ProviderBreakerRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "provider_breakers"

    public var provider: String
    /// Stored as JSON.
    public var breaker: CircuitBreaker
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case provider, breaker
        case updatedAt = "updated_at"
    }

    /// Creates the table; call from the service's own named migration.
    public static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("provider", .text)
            table.column("breaker", .text).notNull()
            table.column("updated_at", .datetime).notNull()
        }
    }
}
