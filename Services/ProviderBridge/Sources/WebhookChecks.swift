import Foundation
import Logging
import Metrics
import Signing

/// What any replica checks of a provider's call before anything is read or written: the provider is
/// configured, and a signed webhook's signature or a callback's token is right.
struct WebhookChecks: Sendable {
    typealias Answer = WebhookReceiver.Answer
    let providers: [String: any VideoProvider]
    let replicateSignature: ReplicateSigningKey?
    let callbacks: CallbackURLs
    let logger: Logger

    /// Checks a Replicate webhook's Standard Webhooks signature on the raw body (at `receivedAt`):
    /// nil when it may be handled, else the answer to give. Reads and writes nothing, so any replica
    /// can check a webhook before it hands it to the job's owner.
    func verifyReplicate(webhookID: String?, timestamp: String?, signature: String?, body: Data, receivedAt: Date) async -> Answer? {
        guard providers["replicate"] != nil else {
            return count("replicate", Answer(status: 404, code: "NOT_CONFIGURED", message: "replicate is not configured here"))
        }
        guard let replicateSignature = await replicateSignature?.signature() else {
            return count("replicate", Answer(status: 503, code: "TRY_AGAIN", message: "the webhook secret is not known yet"))
        }
        do {
            try replicateSignature.verify(id: webhookID, timestamp: timestamp, signatures: signature, body: body, now: receivedAt)
        } catch {
            logger.warning("Rejected a Replicate webhook", metadata: ["reason": "\(error)", "webhook_id": "\(webhookID ?? "-")"])
            return count("replicate", Answer(status: 401, code: "WEBHOOK_SIGNATURE_INVALID", message: Self.explain(error)))
        }
        return nil
    }

    /// Checks a callback's provider and token: nil when it may be handled, else the answer to give.
    func verifyCallback(providerName: String, jobID: String, token: String) -> Answer? {
        guard let provider = providers[providerName], provider.completion == .tokenCallback else {
            return count(providerName, Answer(status: 404, code: "NOT_CONFIGURED", message: "no callbacks for \(providerName) here"))
        }
        guard callbacks.isValid(token: token, jobID: jobID) else {
            logger.warning("Rejected a callback with a bad token", metadata: ["provider": "\(providerName)", "job_id": "\(jobID)"])
            return count(providerName, Answer(status: 401, code: "CALLBACK_TOKEN_INVALID", message: "the callback token is not this job's"))
        }
        return nil
    }

    private static func explain(_ rejection: StandardWebhookSignature.Rejection) -> String {
        switch rejection {
        case .missingHeaders: "webhook-id, webhook-timestamp and webhook-signature are required"
        case .malformedTimestamp: "webhook-timestamp is not a number of seconds"
        case .staleTimestamp: "webhook-timestamp is more than 5 minutes from now"
        case .noValidSignature: "no signature matches the body"
        }
    }

    /// Counts the call's answer, by provider and code.
    func count(_ provider: String, _ answer: Answer) -> Answer {
        Counter(label: "roomreel_provider_webhooks_total", dimensions: [("provider", provider), ("result", answer.code)]).increment()
        return answer
    }
}
