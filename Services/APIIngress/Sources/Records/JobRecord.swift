import EventContracts
import EventRuntime
import Foundation
import GRDB

/// api-ingress's read model of a job, kept up to date from the job's events.
struct JobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobs"

    enum Status: String, Codable, CaseIterable {
        case queued, processing, completed, failed

        var isTerminal: Bool { self == .completed || self == .failed }
    }

    /// How far the job got. Events may arrive out of order across topics; the stage only moves forward.
    enum Stage: String, Codable {
        case requested, routed, debited, submitted, generated, stored, failed

        var rank: Int {
            switch self {
            case .requested: 0
            case .routed: 1
            case .debited: 2
            case .submitted: 3
            case .generated: 4
            case .stored, .failed: 5
            }
        }
    }

    var id: String
    var workspaceID: String
    var status: Status
    var stage: Stage
    var videoType: String?
    var cameraMotion: String?
    var model: String?
    var quotedCredits: Int64
    var creditsDebited: Int64?
    /// The length the client gets (asked for, or the model's default).
    var durationSeconds: Double
    /// The length the model generates and the job is charged at; nil until known.
    var generatedSeconds: Double?
    /// The model the request named or its video type defaults to.
    var requestedModel: String?
    /// Why `model` is not `requestedModel`.
    var routingReason: String?
    var aspectRatio: String
    var prompt: String?
    var provider: String?
    var predictionID: String?
    var videoKey: String?
    var videoBytes: Int64?
    var posterKey: String?
    /// The stored video as ffprobe read it.
    var videoWidth: Int?
    var videoHeight: Int?
    var videoDurationSeconds: Double?
    var errorCode: String?
    var errorMessage: String?
    var errorDetails: String?
    var webhookURL: String?
    /// The API the job came in through: `roomreel`, or a compatibility API's name (`Compat/`).
    var api: String
    /// The stored input photos (`inputs/<sha256>.<ext>`), as a JSON list.
    var inputKeys: String?
    var createdAt: Date
    var updatedAt: Date
    /// When the job was first seen processing (its debit), and when it finished.
    var startedAt: Date?
    var finishedAt: Date?
    /// When the client deleted the job; a deleted job is answered as not found.
    var deletedAt: Date?
    /// A finishing event (its envelope) that came before the facts of an earlier stage, held until
    /// they are in (`JobProjection`).
    var heldEvent: Data? = nil
    /// How far the generation has got (percent), where the renderer or provider reports it.
    var generationProgress: Int? = nil

    /// The columns of the `jobs` table, one per property (`JobRecordTests` holds the table, the
    /// properties and the insert to this list).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, status, stage, model, prompt, provider
        case workspaceID = "workspace_id"
        case videoType = "video_type"
        case cameraMotion = "camera_motion"
        case quotedCredits = "quoted_credits"
        case creditsDebited = "credits_debited"
        case durationSeconds = "duration_seconds"
        case generatedSeconds = "generated_seconds"
        case requestedModel = "requested_model"
        case routingReason = "routing_reason"
        case aspectRatio = "aspect_ratio"
        case predictionID = "prediction_id"
        case videoKey = "video_key"
        case videoBytes = "video_bytes"
        case posterKey = "poster_key"
        case videoWidth = "video_width"
        case videoHeight = "video_height"
        case videoDurationSeconds = "video_duration_seconds"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case errorDetails = "error_details"
        case webhookURL = "webhook_url"
        case api
        case inputKeys = "input_keys"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case deletedAt = "deleted_at"
        case heldEvent = "held_event"
        case generationProgress = "generation_progress"
    }

    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("api-ingress-v1-jobs") { db in
            try db.create(table: databaseTableName) { table in
                table.primaryKey("id", .text)
                table.column("workspace_id", .text).notNull()
                table.column("status", .text).notNull()
                table.column("stage", .text).notNull()
                table.column("video_type", .text)
                table.column("camera_motion", .text)
                table.column("model", .text)
                table.column("quoted_credits", .integer).notNull()
                table.column("credits_debited", .integer)
                table.column("duration_seconds", .double).notNull()
                table.column("aspect_ratio", .text).notNull()
                table.column("prompt", .text)
                table.column("provider", .text)
                table.column("prediction_id", .text)
                table.column("video_key", .text)
                table.column("video_bytes", .integer)
                table.column("error_code", .text)
                table.column("error_message", .text)
                table.column("error_details", .text)
                table.column("webhook_url", .text)
                table.column("created_at", .datetime).notNull()
                table.column("updated_at", .datetime).notNull()
            }
            try db.create(index: "jobs_by_workspace", on: databaseTableName, columns: ["workspace_id", "created_at"])
        }
        migrator.registerMigration("api-ingress-v2-job-poster") { db in
            try db.alter(table: databaseTableName) { table in
                table.add(column: "poster_key", .text)
            }
        }

    }

    /// The columns that explain what was delivered: the generated length, the routing, the stored video's frame and length.
    static func addDeliveryColumns(_ db: Database) throws {
        try db.alter(table: databaseTableName) { table in
            table.add(column: "generated_seconds", .double)
            table.add(column: "requested_model", .text)
            table.add(column: "routing_reason", .text)
            table.add(column: "video_width", .integer)
            table.add(column: "video_height", .integer)
            table.add(column: "video_duration_seconds", .double)
        }
    }

    /// The columns that say where a job came from and when it ran: the API, its photos, its start,
    /// end and deletion.
    static func addOriginColumns(_ db: Database) throws {
        try db.alter(table: databaseTableName) { table in
            table.add(column: "api", .text).notNull().defaults(to: "roomreel")
            table.add(column: "input_keys", .text)
            table.add(column: "started_at", .datetime)
            table.add(column: "finished_at", .datetime)
            table.add(column: "deleted_at", .datetime)
        }
    }

    /// The column of a finishing event that waits for an earlier stage's facts.
    static func addHeldEventColumn(_ db: Database) throws {
        try db.alter(table: databaseTableName) { table in
            table.add(column: "held_event", .blob)
        }
    }

    /// The column of the generation's reported progress.
    static func addGenerationProgressColumn(_ db: Database) throws {
        try db.alter(table: databaseTableName) { table in
            table.add(column: "generation_progress", .integer)
        }
    }

    /// The stored input photos, in the order the request gave them.
    var inputImageKeys: [String] {
        inputKeys.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    }

    /// Inserts this new job with a cached statement, the way `POST /v1/videos` does for every job:
    /// the record's generic insert (Codable encoding, a persistence container, a new statement
    /// lookup) cost more than the rest of the commit. Reads back the same as `insert(db)` writes.
    func insertNew(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: StatementArguments(CodingKeys.allCases.map(databaseValue)))
    }

    private static let insertSQL = """
        INSERT INTO \(databaseTableName) (\(CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")))
        VALUES (\(Array(repeating: "?", count: CodingKeys.allCases.count).joined(separator: ", ")))
        """

    /// A column's value as `insert(db)` stores it; exhaustive, so a new column needs its value here.
    private func databaseValue(_ column: CodingKeys) -> (any DatabaseValueConvertible)? {
        switch column {
        case .id: id
        case .workspaceID: workspaceID
        case .status: status.rawValue
        case .stage: stage.rawValue
        case .videoType: videoType
        case .cameraMotion: cameraMotion
        case .model: model
        case .quotedCredits: quotedCredits
        case .creditsDebited: creditsDebited
        case .durationSeconds: durationSeconds
        case .generatedSeconds: generatedSeconds
        case .requestedModel: requestedModel
        case .routingReason: routingReason
        case .videoWidth: videoWidth
        case .videoHeight: videoHeight
        case .videoDurationSeconds: videoDurationSeconds
        case .aspectRatio: aspectRatio
        case .prompt: prompt
        case .provider: provider
        case .predictionID: predictionID
        case .videoKey: videoKey
        case .videoBytes: videoBytes
        case .posterKey: posterKey
        case .errorCode: errorCode
        case .errorMessage: errorMessage
        case .errorDetails: errorDetails
        case .webhookURL: webhookURL
        case .api: api
        case .inputKeys: inputKeys
        case .createdAt: DatabaseTime.value(createdAt)
        case .updatedAt: DatabaseTime.value(updatedAt)
        case .startedAt: startedAt.map(DatabaseTime.value)
        case .finishedAt: finishedAt.map(DatabaseTime.value)
        case .deletedAt: deletedAt.map(DatabaseTime.value)
        case .heldEvent: heldEvent
        case .generationProgress: generationProgress
        }
    }

    /// Records the router's decision: the model, its provider, the lengths and why it is not the one asked for.
    mutating func recordRouting(_ routed: VideoRouted) {
        model = routed.modelID
        provider = routed.provider
        durationSeconds = routed.deliveredSeconds
        generatedSeconds = routed.secondsToGenerate
        requestedModel = routed.requestedModel ?? requestedModel
        routingReason = routed.routingReason
    }

    /// Moves the job to `stage` unless it is already there, further on, or finished.
    mutating func advance(to stage: Stage, status: Status) {
        guard !self.status.isTerminal, stage.rank >= self.stage.rank else { return }
        self.stage = stage
        self.status = status
    }
}
