import Foundation
import GRDB
import Logging
import Shared

/// Keeps the `jobs` read model in step with every job event. Details are recorded whatever order the
/// events come in; status and stage only move forward, and a finished job never changes again.
struct JobProjection: EventHandler {
    let logger: Logger

    var eventTypes: [EventType] {
        [.videoRouted, .creditsDebited, .creditsRejected, .videoSubmitted, .videoGenerated, .videoFailed, .videoStored]
    }

    func handle(_ event: IncomingEvent) async throws {
        let update = try Self.update(for: event)
        let jobID = event.header.subject
        let applied = try await event.inbox.commit { db -> JobRecord? in
            guard var job = try JobRecord.fetchOne(db, key: jobID) else { return nil }
            update(&job)
            job.updatedAt = Date()
            try job.update(db)
            return job
        }
        switch applied {
        case .some(.some(let job)):
            logger.info("Job updated", metadata: ["job_id": "\(jobID)", "event": "\(event.header.type.rawValue)",
                                                  "status": "\(job.status.rawValue)", "stage": "\(job.stage.rawValue)"])
        case .some(.none):
            throw EventHandlingError.permanent("event for unknown job \(jobID)")
        case .none:
            break
        }
    }

    /// What one event changes on its job.
    static func update(for event: IncomingEvent) throws -> @Sendable (inout JobRecord) -> Void {
        switch event.header.type {
        case .videoRequested, .providerOutcome, .creditsGrantRequested, .creditsGranted:
            // Not a change of a job's state (provider outcomes feed the circuit breakers; grants are billing's).
            return { _ in }
        case .videoRouted:
            let data = try event.decode(VideoRouted.self).data
            return { job in
                job.model = data.modelID
                job.provider = data.provider
                job.advance(to: .routed, status: .queued)
            }
        case .creditsDebited:
            let data = try event.decode(CreditsDebited.self).data
            return { job in
                job.creditsDebited = data.routed.credits
                job.advance(to: .debited, status: .processing)
            }
        case .creditsRejected:
            let data = try event.decode(CreditsRejected.self).data
            return { job in
                guard !job.status.isTerminal else { return }
                job.errorCode = ErrorCode.insufficientCredits.rawValue
                job.errorMessage = "this job needs \(data.required) credits; the workspace has \(data.balance)"
                job.errorDetails = #"{"required":\#(data.required),"balance":\#(data.balance)}"#
                job.advance(to: .failed, status: .failed)
            }
        case .videoSubmitted:
            let data = try event.decode(VideoSubmitted.self).data
            return { job in
                job.predictionID = data.predictionID
                job.advance(to: .submitted, status: .processing)
            }
        case .videoGenerated:
            return { job in job.advance(to: .generated, status: .processing) }
        case .videoFailed:
            let data = try event.decode(VideoFailed.self).data
            return { job in
                guard !job.status.isTerminal else { return }
                job.errorCode = data.code.rawValue
                job.errorMessage = data.message
                job.advance(to: .failed, status: .failed)
            }
        case .videoStored:
            let data = try event.decode(VideoStored.self).data
            return { job in
                guard !job.status.isTerminal else { return }
                job.videoKey = data.videoKey
                job.videoBytes = data.bytes
                job.posterKey = data.posterKey
                job.advance(to: .stored, status: .completed)
            }
        }
    }
}
