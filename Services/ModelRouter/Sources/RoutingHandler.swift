import EventContracts
import EventRuntime
import Foundation
import Logging
import ModelCatalog

/// Turns each `video.requested` into `video.routed` (model and price chosen) or `video.failed`.
/// Providers whose circuit breakers are open count as unavailable, so their models are skipped (or
/// the job refused) as for providers without credentials.
struct RoutingHandler: EventHandler {
    let routing: RoutingConfiguration
    let health: ProviderHealth
    let logger: Logger


    /// The audit trail's words for a decision.
    static func reason(for decision: RoutingDecision, spec: VideoJobSpec) -> String {
        let preferred = spec.model == nil ? "default for \(spec.videoType?.rawValue ?? "?")" : "explicit model"
        guard let fallback = decision.fallbackReason else { return preferred }
        return "fallback from \(decision.preferredModelID) (\(preferred)): \(fallback)"
    }

    var eventTypes: [EventType] { [.videoRequested] }

    func handle(_ event: IncomingEvent) async throws {
        let requested = try event.decode(VideoRequested.self)
        let spec = requested.data.request
        let selector = routing.selector(health: health)
        let outcome = Result { () throws(RoomReelError) in
            try selector.select(for: spec, imageCount: requested.data.inputImageKeys.count)
        }
        // Until some provider-bridge has announced what it serves, "unavailable" only means "not
        // heard yet" (a fresh start): the job waits, retried with backoff, instead of failing.
        if case .failure(let error) = outcome, error.code == .modelUnavailable, !health.hasHeardFromABridge {
            throw RoutingNotReady(jobID: spec.jobID)
        }
        let decided = try await event.inbox.commit { db -> Bool in
            // One decision per job: a second request for it (a retry taken by another api-ingress
            // replica, a replay) changes nothing and goes nowhere.
            guard try !RoutingDecisionRecord.exists(db, key: spec.jobID) else { return false }
            switch outcome {
            case .success(let decision):
                try RoutingDecisionRecord(
                    jobID: spec.jobID, workspaceID: spec.workspaceID, modelID: decision.model.id, credits: decision.credits,
                    errorCode: nil, reason: Self.reason(for: decision, spec: spec),
                    decidedAt: Date()
                ).insert(db)
                try Outbox.enqueue(EventEnvelope(
                    source: "model-router", subject: spec.jobID, workspaceID: spec.workspaceID,
                    data: VideoRouted(request: spec, inputImageKeys: requested.data.inputImageKeys,
                                      modelID: decision.model.id, provider: decision.model.provider, credits: decision.credits,
                                      durationSeconds: decision.durationSeconds, generatedSeconds: decision.generatedSeconds,
                                      requestedModel: decision.preferredModelID, routingReason: decision.fallbackReason)
                ), in: db)
            case .failure(let error):
                try RoutingDecisionRecord(
                    jobID: spec.jobID, workspaceID: spec.workspaceID, modelID: nil, credits: nil,
                    errorCode: error.code.rawValue, reason: error.message, decidedAt: Date()
                ).insert(db)
                try Outbox.enqueue(EventEnvelope(
                    source: "model-router", subject: spec.jobID, workspaceID: spec.workspaceID,
                    data: VideoFailed(stage: "routing", code: error.code, message: error.message)
                ), in: db)
            }
            return true
        }
        switch decided {
        case nil:
            return
        case false:
            logger.notice("Job was routed before; nothing more sent", metadata: ["job_id": "\(spec.jobID)"])
            return
        case true:
            break
        }
        switch outcome {
        case .success(let decision):
            logger.info("Routed job", metadata: [
                "job_id": "\(spec.jobID)", "model": "\(decision.model.id)", "credits": "\(decision.credits)",
                "reason": "\(Self.reason(for: decision, spec: spec))"])
        case .failure(let error):
            logger.notice("Job cannot be routed", metadata: ["job_id": "\(spec.jobID)", "code": "\(error.code)"])
        }
    }
}

/// No provider-bridge has said yet which providers it serves; the job is routed once one has.
struct RoutingNotReady: Error, CustomStringConvertible {
    var jobID: String
    var description: String { "no provider-bridge has announced its providers yet; job \(jobID) waits" }
}
