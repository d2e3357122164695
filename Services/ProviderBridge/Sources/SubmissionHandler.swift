import EventContracts
import EventRuntime
import Foundation
import GRDB
import LocalRender
import Logging

/// Takes each debited job and records it for its provider, in the inbox's transaction. A job its
/// provider makes in process (the local renderer) is `submitted` at once (with `video.submitted`) for
/// the render worker, due again only at its time limit; a remote one is `pending`, due now, for the
/// scheduler, which makes the create call outside any transaction. A job whose provider has no
/// credentials here fails clearly.
struct SubmissionHandler: EventHandler {
    /// Each configured provider's completion channel, by name.
    let channels: [String: CompletionChannel]
    let rules: SchedulingRules
    let logger: Logger

    var eventTypes: [EventType] { [.creditsDebited] }

    func handle(_ event: IncomingEvent) async throws {
        let debited = try event.decode(CreditsDebited.self)
        let routed = debited.data.routed
        let job = routed.request
        guard let channel = channels[routed.provider] else {
            try await event.inbox.commit { db in
                try Outbox.enqueue(EventEnvelope(
                    source: "provider-bridge", subject: job.jobID, workspaceID: job.workspaceID,
                    data: VideoFailed(stage: "submission", code: .modelUnavailable,
                                      message: "provider '\(routed.provider)' has no credentials configured in provider-bridge")), in: db)
            }
            return
        }
        let isLocal = channel == .inProcess
        let routedJSON = try EventCoding.encoder.encode(routed)
        let inserted = try await event.inbox.commit { db -> Bool in
            guard try PredictionRecord.fetchOne(db, key: job.jobID) == nil else { return false }
            let now = Date()
            let deadline = rules.deadline(modelID: routed.modelID, from: now)
            var prediction = PredictionRecord(
                jobID: job.jobID, workspaceID: job.workspaceID, provider: routed.provider, modelID: routed.modelID,
                predictionID: isLocal ? LocalProvider.predictionID(jobID: job.jobID) : PredictionRecord.placeholderID(jobID: job.jobID),
                status: isLocal ? .submitted : .pending, routed: routedJSON,
                outputURL: nil, errorCode: nil, errorMessage: nil, createdAt: now, updatedAt: now, deadlineAt: deadline)
            if isLocal {
                prediction.nextCheckAt = deadline
                try prediction.insert(db)
                try Outbox.enqueue(EventEnvelope(
                    source: "provider-bridge", subject: job.jobID, workspaceID: job.workspaceID,
                    data: VideoSubmitted(provider: prediction.provider, predictionID: prediction.predictionID)), in: db)
            } else {
                prediction.nextCheckAt = now
                try prediction.insert(db)
            }
            return true
        }
        if inserted == true {
            logger.info(isLocal ? "Submitted job to local renderer" : "Queued job for its provider",
                        metadata: ["job_id": "\(job.jobID)", "model": "\(routed.modelID)", "provider": "\(routed.provider)"])
        }
    }
}
