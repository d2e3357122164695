import Foundation
import GRDB
import LocalRender
import Logging
import Shared

/// Takes each debited job and records it for its provider, in the inbox's transaction. A local job is
/// `submitted` at once (with `video.submitted`) for the render worker; a remote one is `pending`, due
/// now, for the scheduler, which makes the create call outside any transaction. A job whose provider
/// has no credentials here fails clearly.
struct SubmissionHandler: EventHandler {
    let providers: Set<String>
    let rules: SchedulingRules
    let logger: Logger

    var eventTypes: [EventType] { [.creditsDebited] }

    func handle(_ event: IncomingEvent) async throws {
        let debited = try event.decode(CreditsDebited.self)
        let routed = debited.data.routed
        let job = routed.request
        let isLocal = routed.provider == LocalRenderer.providerName
        guard isLocal || providers.contains(routed.provider) else {
            try await event.inbox.commit { db in
                try Outbox.enqueue(EventEnvelope(
                    source: "provider-bridge", subject: job.jobID, workspaceID: job.workspaceID,
                    data: VideoFailed(stage: "submission", code: .modelUnavailable,
                                      message: "provider '\(routed.provider)' has no credentials configured in provider-bridge")), in: db)
            }
            return
        }
        let routedJSON = try EventCoding.encoder.encode(routed)
        let inserted = try await event.inbox.commit { db -> Bool in
            guard try PredictionRecord.fetchOne(db, key: job.jobID) == nil else { return false }
            let now = Date()
            var prediction = PredictionRecord(
                jobID: job.jobID, workspaceID: job.workspaceID, provider: routed.provider, modelID: routed.modelID,
                predictionID: isLocal ? "local-\(job.jobID)" : PredictionRecord.placeholderID(jobID: job.jobID),
                status: isLocal ? .submitted : .pending, routed: routedJSON,
                outputURL: nil, errorCode: nil, errorMessage: nil, createdAt: now, updatedAt: now)
            if isLocal {
                try prediction.insert(db)
                try Outbox.enqueue(EventEnvelope(
                    source: "provider-bridge", subject: job.jobID, workspaceID: job.workspaceID,
                    data: VideoSubmitted(provider: prediction.provider, predictionID: prediction.predictionID)), in: db)
            } else {
                prediction.nextCheckAt = now
                prediction.deadlineAt = rules.deadline(modelID: routed.modelID, from: now)
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
