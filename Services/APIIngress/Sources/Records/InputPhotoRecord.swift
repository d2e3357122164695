import EventRuntime
import Foundation
import GRDB

/// A stored input photo (`inputs/<sha256>.<ext>`) that no job in flight needs since `releasedAt`,
/// when the last job that used it finished. Photos are stored by content and shared by every job
/// that sends the same bytes, so a photo goes only when none of them needs it (`InputPhotoRetention`).
struct InputPhotoRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "input_photos"

    var key: String
    var releasedAt: Date

    enum CodingKeys: String, CodingKey {
        case key
        case releasedAt = "released_at"
    }

    /// The table, with a row for each photo of every job already finished, and the index of the jobs
    /// in flight that the sweep looks through. Jobs finished before `finished_at` was kept get their
    /// last update as their end.
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE \(JobRecord.databaseTableName) SET finished_at = updated_at
            WHERE finished_at IS NULL AND status IN ('completed', 'failed')
            """)
        try db.create(table: databaseTableName) { table in
            table.primaryKey("key", .text)
            table.column("released_at", .datetime).notNull()
        }
        try db.create(index: "input_photos_by_release", on: databaseTableName, columns: ["released_at"])
        try db.execute(sql: "CREATE INDEX jobs_in_flight ON \(JobRecord.databaseTableName) (created_at) WHERE finished_at IS NULL")
        try db.execute(sql: """
            INSERT INTO \(databaseTableName) (key, released_at)
            SELECT photo.value, MAX(jobs.finished_at) FROM \(JobRecord.databaseTableName) AS jobs, json_each(jobs.input_keys) AS photo
            WHERE jobs.input_keys IS NOT NULL GROUP BY photo.value
            HAVING SUM(jobs.finished_at IS NULL) = 0
            """)
    }

    /// Records that `job`, just finished, no longer needs its photos.
    static func release(photosOf job: JobRecord, at date: Date, in db: Database) throws {
        try release(keys: job.inputImageKeys, at: date, in: db)
    }

    /// Records that the photos stored under `keys` are not needed since `date` (by the job that
    /// brought them; others still in flight keep them, see `InputPhotoRetention`).
    static func release(keys: [String], at date: Date, in db: Database) throws {
        for key in keys {
            try db.execute(sql: """
                INSERT INTO \(databaseTableName) (key, released_at) VALUES (?, ?)
                ON CONFLICT (key) DO UPDATE SET released_at = MAX(released_at, excluded.released_at)
                """, arguments: [key, date])
        }
    }
}
