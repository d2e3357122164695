import Foundation
import GRDB

/// One webhook message to a client: a finished job's JSON, to be delivered to its `webhook_url`.
/// Written in the transaction that finishes the job (so it is never lost), then worked off by
/// `WebhookDispatcher`. `id` is the message's `webhook-id`, the same on every attempt.
struct WebhookDeliveryRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webhook_deliveries"

    enum State: String, Codable {
        /// Waiting for its next attempt.
        case pending
        /// A 2xx answer was received.
        case delivered
        /// Given up: the retry schedule ran out, or the URL may not be called.
        case failed
    }

    var id: String
    var jobID: String
    var workspaceID: String
    var url: String
    var eventType: String
    var payload: Data
    var state: State
    var attempts: Int
    var nextAttemptAt: Date
    var createdAt: Date
    var finishedAt: Date?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, url, payload, state, attempts
        case jobID = "job_id"
        case workspaceID = "workspace_id"
        case eventType = "event_type"
        case nextAttemptAt = "next_attempt_at"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case lastError = "last_error"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("id", .text)
            table.column("job_id", .text).notNull()
            table.column("workspace_id", .text).notNull()
            table.column("url", .text).notNull()
            table.column("event_type", .text).notNull()
            table.column("payload", .blob).notNull()
            table.column("state", .text).notNull()
            table.column("attempts", .integer).notNull()
            table.column("next_attempt_at", .datetime).notNull()
            table.column("created_at", .datetime).notNull()
            table.column("finished_at", .datetime)
            table.column("last_error", .text)
        }
        try db.create(index: "webhook_deliveries_due", on: databaseTableName, columns: ["state", "next_attempt_at"])
        try db.create(index: "webhook_deliveries_by_job", on: databaseTableName, columns: ["job_id"])
    }
}

/// One try at delivering a webhook: when, the answer's status or the failure, and how long it took.
struct WebhookAttemptRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webhook_attempts"

    var deliveryID: String
    var number: Int
    var attemptedAt: Date
    var statusCode: Int?
    var error: String?
    var durationMilliseconds: Int64

    enum CodingKeys: String, CodingKey {
        case number, error
        case deliveryID = "delivery_id"
        case attemptedAt = "attempted_at"
        case statusCode = "status_code"
        case durationMilliseconds = "duration_ms"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.column("delivery_id", .text).notNull().references(WebhookDeliveryRecord.databaseTableName)
            table.column("number", .integer).notNull()
            table.column("attempted_at", .datetime).notNull()
            table.column("status_code", .integer)
            table.column("error", .text)
            table.column("duration_ms", .integer).notNull()
            table.primaryKey(["delivery_id", "number"])
        }
    }
}
