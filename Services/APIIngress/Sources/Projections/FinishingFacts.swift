import EventContracts
import EventRuntime

/// The facts of earlier stages that a job's view must hold before it may show the job finished.
///
/// A finishing event implies what happened before it: a stored video was debited and had a
/// prediction; a provider's failure came after the debit. Routing needs no wait: the job holds
/// api-ingress's own routing from its acceptance, and the debit, which carries the router's, corrects it.
struct FinishingFacts: OptionSet, Sendable {
    let rawValue: Int

    /// `credits_debited` (`credits.debited`).
    static let debited = FinishingFacts(rawValue: 1 << 0)
    /// `provider_prediction_id` (`video.submitted`, or `video.generated`, which carries it too).
    static let predicted = FinishingFacts(rawValue: 1 << 1)

    init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// The facts `job` holds.
    init(of job: JobRecord) {
        self = []
        if job.creditsDebited != nil { insert(.debited) }
        if job.predictionID != nil { insert(.predicted) }
    }

    /// What must be recorded before `event` may finish its job; nil for an event that does not finish one.
    static func needed(before event: IncomingEvent) -> FinishingFacts? {
        needed(before: event.header.type, json: event.json)
    }

    /// What must be recorded before an event of `type` (whose envelope is `json`) may finish its job.
    static func needed(before type: EventType, json: RawJSON) -> FinishingFacts? {
        switch type {
        case .videoStored:
            return [.debited, .predicted]
        case .creditsRejected:
            return []
        case .videoFailed:
            let stage = try? json.member(of: json.root, "data").flatMap { try json.member(of: $0, "stage") }.map { try json.string($0) }
            switch stage {
            case "submission", "generation": return [.debited]
            case "storage": return [.debited, .predicted]
            default: return []
            }
        case .videoRequested, .videoRouted, .creditsDebited, .videoSubmitted, .videoProgress, .videoGenerated, .providerOutcome,
             .creditsGrantRequested, .creditsGranted, .providersAnnounced, .providerWebhook:
            return nil
        }
    }
}
