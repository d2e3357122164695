import EventRuntime
import Foundation
import GRDB
import Logging

/// The first answer to a `POST /v1/videos` sent with an `Idempotency-Key`, kept 24 hours: the same
/// key and request again get this answer and create nothing; the same key with another request is
/// refused. Keys are per workspace.
struct IdempotencyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "idempotency_keys"
    /// How long a key is remembered.
    static let lifetime: TimeInterval = 24 * 3600
    static let maximumKeyLength = 255

    var workspaceID: String
    var key: String
    /// SHA-256 of the request's fields and photos (`VideoSubmission.fingerprint`).
    var requestFingerprint: String
    var jobID: String
    var responseStatus: Int
    var responseBody: Data
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case key
        case workspaceID = "workspace_id"
        case requestFingerprint = "request_fingerprint"
        case jobID = "job_id"
        case responseStatus = "response_status"
        case responseBody = "response_body"
        case createdAt = "created_at"
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.column("workspace_id", .text).notNull()
            table.column("key", .text).notNull()
            table.column("request_fingerprint", .text).notNull()
            table.column("job_id", .text).notNull()
            table.column("response_status", .integer).notNull()
            table.column("response_body", .blob).notNull()
            table.column("created_at", .datetime).notNull()
            table.primaryKey(["workspace_id", "key"])
        }
        try db.create(index: "idempotency_keys_by_age", on: databaseTableName, columns: ["created_at"])
    }

    /// The live record for the key, if any; an expired one is deleted so the key can be used afresh.
    static func live(workspaceID: String, key: String, now: Date, in db: Database) throws -> IdempotencyRecord? {
        guard let record = try fetchOne(db, key: ["workspace_id": workspaceID, "key": key]) else { return nil }
        guard now.timeIntervalSince(record.createdAt) < lifetime else {
            try record.delete(db)
            return nil
        }
        return record
    }

    /// Forgets keys older than the lifetime; returns how many went.
    static func purgeExpired(now: Date, in db: Database) throws -> Int {
        try filter(Column("created_at") < now.addingTimeInterval(-lifetime)).deleteAll(db)
    }

    /// The service that forgets expired keys every ten minutes (an expired key is also replaced on reuse).
    static func sweeper(database: ServiceDatabase, logger: Logger) -> PeriodicSweeper {
        PeriodicSweeper(name: "idempotency keys", logger: logger) { now in
            try await database.pool.write { db in try purgeExpired(now: now, in: db) }
        }
    }
}
