import EventRuntime
import Foundation
import GRDB
import Logging

/// A signed webhook already acted on, by its `webhook-id`: providers retry with the same id, so a
/// second delivery finds its receipt and changes nothing. Written in the transaction that applies
/// the webhook.
struct WebhookReceiptRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webhook_receipts"

    var webhookID: String
    var provider: String
    var predictionID: String
    var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case provider
        case webhookID = "webhook_id"
        case predictionID = "prediction_id"
        case receivedAt = "received_at"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("webhook_id", .text)
            table.column("provider", .text).notNull()
            table.column("prediction_id", .text).notNull()
            table.column("received_at", .datetime).notNull()
        }
        try db.create(index: "webhook_receipts_by_time", on: databaseTableName, columns: ["received_at"])
    }

    /// How long a receipt is kept: far past the 5-minute signature tolerance, so that a replay old
    /// enough to have lost its receipt fails the timestamp check instead.
    static let lifetime: TimeInterval = 24 * 3600

    /// Deletes receipts past their lifetime; returns how many went.
    static func purgeExpired(now: Date, in db: Database) throws -> Int {
        try filter(Column("received_at") < now.addingTimeInterval(-lifetime)).deleteAll(db)
    }

    /// The service that deletes old receipts every ten minutes.
    static func sweeper(database: ServiceDatabase, logger: Logger) -> PeriodicSweeper {
        PeriodicSweeper(name: "webhook receipts", logger: logger) { now in
            try await database.pool.write { db in try purgeExpired(now: now, in: db) }
        }
    }
}
