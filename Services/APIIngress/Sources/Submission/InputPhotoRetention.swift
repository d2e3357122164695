import EventRuntime
import Foundation
import GRDB
import Logging
import ObjectStorage

/// Removes stored input photos that no job needs any more: a photo goes `retention` after the last
/// job that used it finished, unless a job in flight uses it again (`INGRESS_INPUT_RETENTION_HOURS`,
/// default 24). The files go inside a write transaction, and `JobIntake` checks its photos again in
/// the transaction that commits a job: a new job either commits first (the sweep then sees it in
/// flight) or finds its photo gone and writes it back.
struct InputPhotoRetention: Sendable {
    let database: ServiceDatabase
    let storage: LocalBlobStore
    let retention: Duration

    /// At most this many photos a sweep, so that one sweep never holds the writer long.
    static let batch = 500

    /// Removes what has expired at `now`; returns how many photos went.
    func sweep(now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(retention.components.seconds))
        return try await database.pool.write { [storage] db in
            let expired = try String.fetchAll(db, sql: """
                SELECT key FROM \(InputPhotoRecord.databaseTableName) WHERE released_at <= ? ORDER BY released_at LIMIT ?
                """, arguments: [cutoff, Self.batch])
            var removed = 0
            for key in expired {
                let inFlight = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM \(JobRecord.databaseTableName) AS jobs INDEXED BY jobs_in_flight, json_each(jobs.input_keys) AS photo
                                   WHERE jobs.finished_at IS NULL AND photo.value = ?)
                    """, arguments: [key]) ?? false
                try db.execute(sql: "DELETE FROM \(InputPhotoRecord.databaseTableName) WHERE key = ?", arguments: [key])
                if inFlight { continue }
                do {
                    try FileManager.default.removeItem(at: try storage.fileURL(for: key))
                    removed += 1
                } catch CocoaError.fileNoSuchFile {
                    continue
                }
            }
            return removed
        }
    }

    /// The sweep every ten minutes, as a service.
    func sweeper(logger: Logger) -> PeriodicSweeper {
        PeriodicSweeper(name: "input photos", logger: logger) { now in try await sweep(now: now) }
    }
}
