import EventContracts
import EventRuntime
import Logging

/// Removes a job's render files once its video is stored (storage-uploader's `video.stored`) or the
/// job failed. The files go before the inbox row commits, so a crash in between redelivers the
/// event and removes them again.
struct RenderCleanupHandler: EventHandler {
    /// The render folder of a workspace's jobs (its shard's).
    let files: @Sendable (_ workspaceID: String) -> RenderFiles
    let logger: Logger

    var eventTypes: [EventType] { [.videoStored, .videoFailed] }

    func handle(_ event: IncomingEvent) async throws {
        let jobID = event.header.subject
        let removed = try files(event.header.workspaceID).remove(jobID: jobID)
        try await event.inbox.commit { _ in }
        if removed > 0 {
            logger.debug("Removed render files", metadata: ["job_id": "\(jobID)", "files": "\(removed)", "after": "\(event.header.type.rawValue)"])
        }
    }
}
