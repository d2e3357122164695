import Foundation
import GRDB
import LocalRender
import Logging
import Shared

/// Takes each debited job and hands it to its provider: records the prediction and announces
/// `video.submitted` in one transaction. The local renderer's worker picks the prediction up from there.
struct SubmissionHandler: EventHandler {
    let logger: Logger

    var eventTypes: [EventType] { [.creditsDebited] }

    func handle(_ event: IncomingEvent) async throws {
        let debited = try event.decode(CreditsDebited.self)
        let routed = debited.data.routed
        let job = routed.request
        guard routed.provider == LocalRenderer.providerName else {
            // Remote providers arrive with their own issue; until then the job fails clearly.
            try await event.inbox.commit { db in
                try Outbox.enqueue(EventEnvelope(
                    source: "provider-bridge", subject: job.jobID, workspaceID: job.workspaceID,
                    data: VideoFailed(stage: "submission", code: .modelUnavailable,
                                      message: "provider '\(routed.provider)' is not configured")), in: db)
            }
            return
        }
        let routedJSON = try EventCoding.encoder.encode(routed)
        let inserted = try await event.inbox.commit { db -> Bool in
            guard try PredictionRecord.fetchOne(db, key: job.jobID) == nil else { return false }
            let now = Date()
            let prediction = PredictionRecord(
                jobID: job.jobID, workspaceID: job.workspaceID, provider: routed.provider, modelID: routed.modelID,
                predictionID: "local-\(job.jobID)", status: .submitted, routed: routedJSON,
                outputURL: nil, errorCode: nil, errorMessage: nil, createdAt: now, updatedAt: now)
            try prediction.insert(db)
            try Outbox.enqueue(EventEnvelope(
                source: "provider-bridge", subject: job.jobID, workspaceID: job.workspaceID,
                data: VideoSubmitted(provider: prediction.provider, predictionID: prediction.predictionID)), in: db)
            return true
        }
        if inserted == true {
            logger.info("Submitted job to local renderer", metadata: ["job_id": "\(job.jobID)", "model": "\(routed.modelID)"])
        }
    }
}
