import Foundation
import GRDB
import Logging

/// A job's files in the render folder: the local renderer's video, poster, ffmpeg logs and scratch
/// frames, the cropped photos sent to a provider, or a provider's output fetched with credentials
/// (`GenerationRecorder`). Every one is named `<job id>.<what>`, so a job's files, and the files of
/// no job, can be found by name after a crash. They are a working copy, needed only until
/// storage-uploader has stored the video; `RenderCleanupHandler` removes them then.
struct RenderFiles: Sendable {
    let directory: URL

    /// The job's video (rendered, or fetched from its provider).
    func video(of jobID: String) -> URL { directory.appendingPathComponent("\(jobID).mp4") }
    /// The local render's poster.
    func poster(of jobID: String) -> URL { directory.appendingPathComponent("\(jobID).jpg") }
    /// ffmpeg's log of the local render (the poster's goes beside it, as `.poster.log`).
    func log(of jobID: String) -> URL { directory.appendingPathComponent("\(jobID).log") }
    /// A scratch file of the job's, `<job id>.<name>`.
    func scratch(of jobID: String, named name: String) -> URL { directory.appendingPathComponent("\(jobID).\(name)") }

    /// The job a file in the folder belongs to: its name up to the first dot.
    static func jobID(ofFile name: String) -> String {
        String(name.prefix { $0 != "." })
    }

    /// Removes the job's files; returns how many there were.
    @discardableResult
    func remove(jobID: String) throws -> Int {
        try remove { $0 == jobID }
    }

    /// After a crash: removes the files of jobs that can no longer need them, those whose prediction
    /// failed or is unknown, and files that belong to no job. A job that succeeded keeps its files
    /// until its `video.stored` (storage may not have fetched them yet). Returns how many files went.
    @discardableResult
    func sweep(database: DatabasePool, logger: Logger) throws -> Int {
        let jobIDs = Set(fileNames().map(Self.jobID(ofFile:)))
        guard !jobIDs.isEmpty else { return 0 }
        let keep = try database.read { db in
            try Set(String.fetchAll(db, sql: """
                SELECT job_id FROM \(PredictionRecord.databaseTableName)
                WHERE job_id IN (SELECT value FROM json_each(?)) AND status <> ?
                """, arguments: [String(decoding: try JSONEncoder().encode(Array(jobIDs)), as: UTF8.self), PredictionRecord.Status.failed.rawValue]))
        }
        let removed = try remove { !keep.contains($0) }
        if removed > 0 { logger.info("Swept render files of finished jobs", metadata: ["files": "\(removed)"]) }
        return removed
    }

    private func fileNames() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    }

    private func remove(where belongs: (String) -> Bool) throws -> Int {
        var removed = 0
        for name in fileNames() where belongs(Self.jobID(ofFile: name)) {
            do {
                try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
                removed += 1
            } catch CocoaError.fileNoSuchFile {
                continue
            }
        }
        return removed
    }
}
