import Foundation
import GRDB
import Shared

/// The bridge's map from a job to its provider-side prediction, and that prediction's state.
/// A terminal status (`succeeded`, `failed`) never changes again.
struct PredictionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "predictions"

    enum Status: String, Codable {
        case submitted, succeeded, failed
    }

    var jobID: String
    var workspaceID: String
    var provider: String
    var modelID: String
    var predictionID: String
    var status: Status
    /// The job as routed, JSON: what the provider needs to render it.
    var routed: Data
    var outputURL: String?
    var errorCode: String?
    var errorMessage: String?
    var createdAt: Date
    var updatedAt: Date

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
    }

    func decodedRouted() throws -> VideoRouted {
        try EventCoding.decoder.decode(VideoRouted.self, from: routed)
    }
}
