import Foundation

/// A provider's call that reached a provider-bridge replica which does not own the job's shard:
/// checked there (signature or callback token), then handed to the owner, keyed by the job's
/// workspace, with everything the owner needs to apply it as if it had received it itself.
public struct ProviderWebhookReceived: EventPayload {
    public static let eventType = EventType.providerWebhook
    /// `replicate` (a signed webhook) or the provider of a token callback (`kling`, `luma`).
    public var provider: String
    /// The job the URL named (Replicate's `job` query item, a callback's path).
    public var jobID: String?
    /// A callback's token, from its path.
    public var token: String?
    /// A signed webhook's `webhook-id`, `webhook-timestamp` and `webhook-signature`.
    public var webhookID: String?
    public var webhookTimestamp: String?
    public var webhookSignature: String?
    /// The body as received, base64.
    public var body: String

    public init(provider: String, jobID: String?, token: String? = nil, webhookID: String? = nil, webhookTimestamp: String? = nil,
                webhookSignature: String? = nil, body: Data) {
        self.provider = provider
        self.jobID = jobID
        self.token = token
        self.webhookID = webhookID
        self.webhookTimestamp = webhookTimestamp
        self.webhookSignature = webhookSignature
        self.body = body.base64EncodedString()
    }

    /// The body's bytes.
    public var bodyData: Data { Data(base64Encoded: body) ?? Data() }

    enum CodingKeys: String, CodingKey {
        case provider, token, body
        case jobID = "job_id"
        case webhookID = "webhook_id"
        case webhookTimestamp = "webhook_timestamp"
        case webhookSignature = "webhook_signature"
    }
}
