import Foundation
import GRDB
import Logging

/// A job's files in the render folder: the local renderer's video, poster and two ffmpeg logs, or a
/// provider's output fetched with credentials (`GenerationRecorder`). They are a working copy,
/// needed only until storage-uploader has stored the video; `RenderCleanupHandler` removes them then.
struct RenderFiles: Sendable {
    let directory: URL

    /// The job's video (rendered, or fetched from its provider).
    func video(of jobID: String) -> URL { directory.appendingPathComponent("\(jobID).mp4") }
    /// The local render's poster.
    func poster(of jobID: String) -> URL { directory.appendingPathComponent("\(jobID).jpg") }
    /// ffmpeg's log of the local render (the poster's goes beside it, as `.poster.log`).
    func log(of jobID: String) -> URL { directory.appendingPathComponent("\(jobID).log") }

    /// Every file a job may have here.
    func files(of jobID: String) -> [URL] {
        [video(of: jobID), poster(of: jobID), log(of: jobID), directory.appendingPathComponent("\(jobID).poster.log")]
    }

    /// Removes the job's files; returns how many there were.
    @discardableResult
    func remove(jobID: String) throws -> Int {
        var removed = 0
        for file in files(of: jobID) {
            do {
                try FileManager.default.removeItem(at: file)
                removed += 1
            } catch CocoaError.fileNoSuchFile {
                continue
            }
        }
        return removed
    }

    /// After a crash: removes the files of jobs that can no longer need them, those whose prediction
    /// failed or is unknown. A job that succeeded keeps its files until its `video.stored` (storage
    /// may not have fetched them yet). Returns how many files went.
    @discardableResult
    func sweep(database: DatabasePool, logger: Logger) throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let jobIDs = Set(names.compactMap { $0.split(separator: ".", maxSplits: 1).first.map(String.init) })
        guard !jobIDs.isEmpty else { return 0 }
        let keep = try database.read { db in
            try Set(String.fetchAll(db, sql: """
                SELECT job_id FROM \(PredictionRecord.databaseTableName)
                WHERE job_id IN (SELECT value FROM json_each(?)) AND status <> ?
                """, arguments: [String(decoding: try JSONEncoder().encode(Array(jobIDs)), as: UTF8.self), PredictionRecord.Status.failed.rawValue]))
        }
        var removed = 0
        for jobID in jobIDs.subtracting(keep) {
            removed += try remove(jobID: jobID)
        }
        if removed > 0 { logger.info("Swept render files of finished jobs", metadata: ["files": "\(removed)"]) }
        return removed
    }
}
