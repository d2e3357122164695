import Foundation
import Logging
import Shared

/// Copies each generated video into storage under its job's key and announces `video.stored`, or
/// `video.failed` when the output is gone or is not a video. The key is fixed per job and the write
/// atomic, so a redelivery at worst rewrites the same bytes; the inbox makes it a no-op once committed.
struct UploadHandler: EventHandler {
    let storage: LocalBlobStore
    let logger: Logger

    var eventTypes: [EventType] { [.videoGenerated] }

    func handle(_ event: IncomingEvent) async throws {
        guard try await !event.inbox.isProcessed() else { return }
        let generated = try event.decode(VideoGenerated.self)
        let jobID = generated.subject
        let key = VideoKey.forJob(jobID, destinationPrefix: generated.data.destinationPrefix)
        let result: Result<(bytes: Int64, sha256: String), RoomReelError>
        do {
            result = .success(try store(outputURL: generated.data.outputURL, key: key))
        } catch {
            result = .failure(error)
        }
        let posterKey = storePoster(generated.data.posterURL, videoKey: key, jobID: jobID)
        try await event.inbox.commit { db in
            switch result {
            case .success(let stored):
                try Outbox.enqueue(EventEnvelope(
                    source: "storage-uploader", subject: jobID, workspaceID: generated.workspaceID,
                    data: VideoStored(videoKey: key, bytes: stored.bytes, sha256: stored.sha256, posterKey: posterKey)), in: db)
            case .failure(let error):
                try Outbox.enqueue(EventEnvelope(
                    source: "storage-uploader", subject: jobID, workspaceID: generated.workspaceID,
                    data: VideoFailed(stage: "storage", code: error.code, message: error.message)), in: db)
            }
        }
        switch result {
        case .success(let stored):
            logger.info("Stored video", metadata: ["job_id": "\(jobID)", "key": "\(key)", "bytes": "\(stored.bytes)"])
        case .failure(let error):
            logger.error("Could not store video", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
        }
    }

    /// Copies the poster beside the video when there is a readable JPEG; a missing poster never
    /// fails a job whose video is fine.
    private func storePoster(_ posterURL: String?, videoKey: String, jobID: String) -> String? {
        guard let posterURL, let url = URL(string: posterURL), url.isFileURL else { return nil }
        let key = VideoKey.poster(forVideoKey: videoKey)
        guard let head = try? FileHandle(forReadingFrom: url).read(upToCount: 4), ImageHeader.format(of: Array(head)) == .jpeg else {
            logger.warning("Poster missing or not a JPEG; storing the video without it", metadata: ["job_id": "\(jobID)"])
            return nil
        }
        do {
            _ = try storage.copyFile(at: url, to: key)
            return key
        } catch {
            logger.warning("Could not store poster", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
            return nil
        }
    }

    /// Copies the output into storage. Only `file:` outputs (the local renderer's) exist so far;
    /// streaming HTTP downloads arrive with the storage issue.
    private func store(outputURL: String, key: String) throws(RoomReelError) -> (bytes: Int64, sha256: String) {
        guard let url = URL(string: outputURL), url.isFileURL else {
            throw RoomReelError(.outputUnavailable, "unsupported output location '\(outputURL)'")
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RoomReelError(.outputUnavailable, "the provider's output is gone: \(url.path)")
        }
        guard MP4Check.looksLikeMP4(url) else {
            throw RoomReelError(.outputInvalid, "the provider's output is not an MP4")
        }
        do {
            return try storage.copyFile(at: url, to: key)
        } catch {
            throw RoomReelError(.internalError, "writing \(key) failed: \(error)")
        }
    }
}
