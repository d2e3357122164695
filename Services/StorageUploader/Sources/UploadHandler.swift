import EventContracts
import EventRuntime
import Foundation
import Logging
import Media
import Metrics
import ObjectStorage

/// Takes each generated video into storage: fetch the provider's output (streaming), check that it
/// is a playable MP4, store it under the job's key with its poster beside it, and announce
/// `video.stored` with the URL, size, duration and SHA-256; or `video.failed` with
/// `OUTPUT_UNAVAILABLE` / `OUTPUT_INVALID` when the output is gone or is not a video, never a broken
/// link marked completed. Storage being down is not the customer's failure: that error propagates and
/// the consumer retries the event with backoff. The key is fixed per job and a store skips bytes it
/// already holds, so a redelivery (or a crash between upload and commit) uploads nothing twice; the
/// inbox makes a committed event a no-op.
struct UploadHandler: EventHandler {
    let downloader: OutputDownloader
    let probe: VideoProbe
    let conformer: VideoConformer
    let posterFrame: PosterFrame
    let store: any VideoStore
    let logger: Logger

    var eventTypes: [EventType] { [.videoGenerated] }

    func handle(_ event: IncomingEvent) async throws {
        guard try await !event.inbox.isProcessed() else { return }
        let generated = try event.decode(VideoGenerated.self)
        let jobID = generated.subject
        let key = VideoKey.forJob(jobID, destinationPrefix: generated.data.destinationPrefix)
        let result: Result<VideoStored, RoomReelError>
        do {
            result = .success(try await storeVideo(generated.data, key: key, jobID: jobID))
        } catch let error as RoomReelError {
            result = .failure(error)
        }
        try await event.inbox.commit { db in
            switch result {
            case .success(let stored):
                try Outbox.enqueue(EventEnvelope(source: "storage-uploader", subject: jobID, workspaceID: generated.workspaceID, data: stored), in: db)
            case .failure(let error):
                try Outbox.enqueue(EventEnvelope(
                    source: "storage-uploader", subject: jobID, workspaceID: generated.workspaceID,
                    data: VideoFailed(stage: "storage", code: error.code, message: error.message)), in: db)
            }
        }
        switch result {
        case .success(let stored):
            Counter(label: "roomreel_videos_stored_total").increment()
            Counter(label: "roomreel_video_stored_bytes_total").increment(by: Int(stored.bytes))
            logger.info("Stored video", metadata: ["job_id": "\(jobID)", "key": "\(key)", "bytes": "\(stored.bytes)",
                                                   "duration_seconds": "\(stored.durationSeconds ?? 0)"])
        case .failure(let error):
            Counter(label: "roomreel_video_store_failures_total", dimensions: [("code", error.code.rawValue)]).increment()
            logger.error("Video not stored", metadata: ["job_id": "\(jobID)", "code": "\(error.code.rawValue)", "error": "\(error.message)"])
        }
    }

    /// Fetches, checks and stores the video and its poster. Throws `RoomReelError` for what is wrong
    /// with the output (final) and `VideoStoreError` when storage failed (retried).
    private func storeVideo(_ generated: VideoGenerated, key: String, jobID: String) async throws -> VideoStored {
        let output = try await downloader.fetch(generated.outputURL, name: "\(jobID).mp4")
        defer { if output.isWorkFile { try? FileManager.default.removeItem(at: output.file) } }
        var file = output.file
        var sha256 = output.sha256
        var reading = try await probe.read(file)
        // Cropped to the shape asked for and trimmed to the length asked for, when the model made another.
        let plan = VideoConformer.plan(for: reading, ratio: generated.aspectRatio, seconds: generated.durationSeconds,
                                       focus: generated.focus ?? .centre)
        let conformed = conformer.workDirectory.appendingPathComponent("\(jobID)-conformed.mp4")
        defer { try? FileManager.default.removeItem(at: conformed) }
        if plan.isNeeded {
            try await conformer.apply(plan, to: file, output: conformed)
            let before = reading
            reading = try await probe.read(conformed)
            logger.info("Conformed the provider's output", metadata: [
                "job_id": "\(jobID)", "from": "\(before.width)x\(before.height) \(before.durationSeconds) s",
                "to": "\(reading.width)x\(reading.height) \(reading.durationSeconds) s"])
            Counter(label: "roomreel_videos_conformed_total", dimensions: [
                ("cropped", plan.crop == nil ? "false" : "true"), ("trimmed", plan.trimSeconds == nil ? "false" : "true")]).increment()
            file = conformed
            sha256 = nil
        }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int64,
              let digest = sha256 ?? FileDigest.sha256(path: file.path)?.hexEncoded else {
            throw RoomReelError(.outputUnavailable, "the provider's output could not be read back")
        }
        let written = try await store.store(file: file, key: key, contentType: "video/mp4", bytes: size, sha256: digest)
        if !written {
            logger.info("Video already in storage; not uploaded again", metadata: ["job_id": "\(jobID)", "key": "\(key)"])
        }
        let posterKey = try await storePoster(generated.posterURL, video: file, videoKey: key, jobID: jobID)
        return VideoStored(videoKey: key, bytes: size, sha256: digest, posterKey: posterKey,
                           url: store.announcedURL(for: key), durationSeconds: reading.durationSeconds,
                           width: reading.width, height: reading.height)
    }

    /// Stores the poster beside the video when there is a readable JPEG: the renderer's, or else the
    /// video's first frame. A missing poster never fails a job whose video is fine (but storage being
    /// down still retries the event).
    private func storePoster(_ posterURL: String?, video: URL, videoKey: String, jobID: String) async throws(VideoStoreError) -> String? {
        let poster: OutputDownloader.LocalOutput
        if let posterURL {
            do {
                poster = try await downloader.fetch(posterURL, name: "\(jobID).jpg")
            } catch {
                logger.warning("Poster unavailable; storing the video without it", metadata: ["job_id": "\(jobID)", "error": "\(error.message)"])
                return nil
            }
        } else {
            let frame = posterFrame.workDirectory.appendingPathComponent("\(jobID)-poster.jpg")
            guard await posterFrame.extract(from: video, to: frame) else {
                logger.warning("No poster could be taken from the video; storing it without one", metadata: ["job_id": "\(jobID)"])
                return nil
            }
            poster = OutputDownloader.LocalOutput(file: frame, isWorkFile: true, sha256: nil)
        }
        defer { if poster.isWorkFile { try? FileManager.default.removeItem(at: poster.file) } }
        guard let head = try? FileHandle(forReadingFrom: poster.file).read(upToCount: 4), ImageHeader.format(of: Array(head)) == .jpeg,
              let size = (try? FileManager.default.attributesOfItem(atPath: poster.file.path))?[.size] as? Int64,
              let digest = FileDigest.sha256(path: poster.file.path)?.hexEncoded else {
            logger.warning("Poster is not a JPEG; storing the video without it", metadata: ["job_id": "\(jobID)"])
            return nil
        }
        let key = VideoKey.poster(forVideoKey: videoKey)
        _ = try await store.store(file: poster.file, key: key, contentType: "image/jpeg", bytes: size, sha256: digest)
        return key
    }
}
