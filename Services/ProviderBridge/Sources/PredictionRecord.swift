import EventContracts
import Foundation
import GRDB

/// The bridge's map from a job to its provider-side prediction, and that prediction's state.
/// `pending` (accepted, not yet created at the provider) → `submitted` → `succeeded` | `failed`.
/// A terminal status never changes again.
struct PredictionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "predictions"

    enum Status: String, Codable {
        case pending, submitted, succeeded, failed

        var isTerminal: Bool { self == .succeeded || self == .failed }
    }

    var jobID: String
    var workspaceID: String
    var provider: String
    var modelID: String
    /// The provider's id; `pending-<job>` until the provider has answered the create call.
    var predictionID: String
    var status: Status
    /// The job as routed, JSON: what the provider needs to render it.
    var routed: Data
    var outputURL: String?
    var errorCode: String?
    var errorMessage: String?
    var createdAt: Date
    var updatedAt: Date
    /// Create calls made so far.
    var submitAttempts: Int = 0
    /// Status GETs made so far (polls and reconciliation checks).
    var statusChecks: Int = 0
    /// When the scheduler next acts on it: retry the create, poll, or reconcile.
    var nextCheckAt: Date?
    /// After this the job fails with `GENERATION_TIMEOUT`.
    var deadlineAt: Date?
    /// The provider's last word on it (`processing`, `dreaming`, `RUNNING` …).
    var providerStatus: String?
    /// The last progress percentage published for it (`video.progress`), so a poll that says the
    /// same again publishes nothing.
    var reportedProgress: Int? = nil

    enum CodingKeys: String, CodingKey {
        case provider, status, routed
        case jobID = "job_id"
        case workspaceID = "workspace_id"
        case modelID = "model_id"
        case predictionID = "prediction_id"
        case outputURL = "output_url"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case submitAttempts = "submit_attempts"
        case statusChecks = "status_checks"
        case nextCheckAt = "next_check_at"
        case deadlineAt = "deadline_at"
        case providerStatus = "provider_status"
        case reportedProgress = "reported_progress"
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("provider-bridge-v1-predictions") { db in
            try db.create(table: databaseTableName) { table in
                table.primaryKey("job_id", .text)
                table.column("workspace_id", .text).notNull()
                table.column("provider", .text).notNull()
                table.column("model_id", .text).notNull()
                table.column("prediction_id", .text).notNull().unique()
                table.column("status", .text).notNull()
                table.column("routed", .blob).notNull()
                table.column("output_url", .text)
                table.column("error_code", .text)
                table.column("error_message", .text)
                table.column("created_at", .datetime).notNull()
                table.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "predictions_by_provider_status", on: databaseTableName, columns: ["provider", "status", "created_at"])
        }
        migrator.registerMigration("provider-bridge-v2-remote-providers") { db in
            try db.alter(table: databaseTableName) { table in
                table.add(column: "submit_attempts", .integer).notNull().defaults(to: 0)
                table.add(column: "status_checks", .integer).notNull().defaults(to: 0)
                table.add(column: "next_check_at", .datetime)
                table.add(column: "deadline_at", .datetime)
                table.add(column: "provider_status", .text)
            }
            try db.create(index: "predictions_due", on: databaseTableName, columns: ["status", "next_check_at"])
            try WebhookReceiptRecord.createTable(db)
        }
        migrator.registerMigration("provider-bridge-v3-in-flight-indexes") { db in
            // Both indexes are only ever searched for jobs in flight, so they now hold only those: a
            // job that ends leaves them (one index entry deleted, none inserted), and they stay the
            // size of the work in flight however long the history grows.
            try db.drop(index: "predictions_by_provider_status")
            try db.drop(index: "predictions_due")
            try db.execute(sql: "CREATE INDEX predictions_submitted_by_provider ON predictions (provider, created_at) WHERE status = 'submitted'")
            // A job that ends has no next check (`finish` clears it).
            try db.execute(sql: "CREATE INDEX predictions_due ON predictions (next_check_at) WHERE next_check_at IS NOT NULL")
        }
        migrator.registerMigration("provider-bridge-v4-reported-progress") { db in
            try db.alter(table: databaseTableName) { table in table.add(column: "reported_progress", .integer) }
        }
    }

    /// Jobs in flight whose next check is due, soonest first, but for `busy` ones (uses `predictions_due`).
    static func due(now: Date, excluding busy: Set<String>, limit: Int) -> QueryInterfaceRequest<PredictionRecord> {
        filter([Status.pending.rawValue, Status.submitted.rawValue].contains(Column("status")))
            .filter(Column("next_check_at") != nil && Column("next_check_at") <= now)
            .filter(!busy.contains(Column("job_id")))
            .order(Column("next_check_at"))
            .limit(limit)
    }

    /// When the next of the jobs in flight not in `busy` comes due (uses `predictions_due`).
    static func earliestDue(excluding busy: Set<String>) -> QueryInterfaceRequest<Date> {
        filter([Status.pending.rawValue, Status.submitted.rawValue].contains(Column("status")))
            .filter(Column("next_check_at") != nil)
            .filter(!busy.contains(Column("job_id")))
            .select(min(Column("next_check_at")), as: Date.self)
    }

    /// The oldest submitted job of `provider` (uses `predictions_submitted_by_provider`).
    static func oldestSubmitted(provider: String) -> QueryInterfaceRequest<PredictionRecord> {
        filter(Column("provider") == provider && Column("status") == Status.submitted.rawValue).order(Column("created_at"))
    }

    func decodedRouted() throws -> VideoRouted {
        try EventCoding.decoder.decode(VideoRouted.self, from: routed)
    }

    /// The placeholder prediction id of a job its provider has not answered for yet.
    static func placeholderID(jobID: String) -> String { "pending-\(jobID)" }
}
