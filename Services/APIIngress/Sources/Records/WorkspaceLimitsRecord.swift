import GRDB

/// A workspace's own limits, set with `PUT /v1/admin/workspaces/{id}/limits`.
struct WorkspaceLimitsRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "workspace_limits"

    var workspaceID: String
    var jobsPerMinute: Int
    var burst: Int
    var maxActiveJobs: Int

    enum CodingKeys: String, CodingKey {
        case burst
        case workspaceID = "workspace_id"
        case jobsPerMinute = "jobs_per_minute"
        case maxActiveJobs = "max_active_jobs"
    }

    var limits: WorkspaceLimits { WorkspaceLimits(jobsPerMinute: jobsPerMinute, burst: burst, maxActiveJobs: maxActiveJobs) }

    /// The table, and the index that counts a workspace's jobs in flight without reading the others'.
    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { table in
            table.primaryKey("workspace_id", .text)
            table.column("jobs_per_minute", .integer).notNull()
            table.column("burst", .integer).notNull()
            table.column("max_active_jobs", .integer).notNull()
        }
        try db.execute(sql: "CREATE INDEX jobs_active_by_workspace ON \(JobRecord.databaseTableName) (workspace_id) WHERE finished_at IS NULL")
    }

    /// How many of `workspaceID`'s jobs are in flight, counted up to `limit`.
    static func activeJobs(of workspaceID: String, upTo limit: Int, in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM (SELECT 1 FROM \(JobRecord.databaseTableName) INDEXED BY jobs_active_by_workspace
                                  WHERE workspace_id = ? AND finished_at IS NULL LIMIT ?)
            """, arguments: [workspaceID, limit]) ?? 0
    }
}
