import Foundation
import GRDB

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

    /// Receipts older than the signature tolerance can go after a day: a replay that old fails the
    /// timestamp check before it gets here.
    static func purge(before date: Date, in db: Database) throws {
        try filter(Column("received_at") < date).deleteAll(db)
    }
}
