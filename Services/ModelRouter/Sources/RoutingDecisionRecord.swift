import Foundation
import GRDB

/// Why a job went to the model it did (or why it went nowhere): the router's audit trail.
struct RoutingDecisionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "routing_decisions"

    var jobID: String
    var workspaceID: String
    var modelID: String?
    var credits: Int64?
    var errorCode: String?
    var reason: String
    var decidedAt: Date

    enum CodingKeys: String, CodingKey {
        case credits, reason
        case jobID = "job_id"
        case workspaceID = "workspace_id"
        case modelID = "model_id"
        case errorCode = "error_code"
        case decidedAt = "decided_at"
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("model-router-v1-routing-decisions") { db in
            try db.create(table: databaseTableName) { table in
                table.primaryKey("job_id", .text)
                table.column("workspace_id", .text).notNull()
                table.column("model_id", .text)
                table.column("credits", .integer)
                table.column("error_code", .text)
                table.column("reason", .text).notNull()
                table.column("decided_at", .datetime).notNull()
            }
        }
    }
}
