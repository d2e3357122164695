/// provider-bridge's report of how one piece of work at a provider ended: a generation that
/// finished, or a call that failed. model-router's circuit breaker counts these per provider, and so
/// does api-ingress for the availability it shows in `GET /v1/models`.
public struct ProviderOutcome: EventPayload {
    public static let eventType = EventType.providerOutcome
    /// The provider (`replicate`, `kling`, `google`, `luma`, `runway`, `local` …).
    public var provider: String
    public var modelID: String
    public var succeeded: Bool
    /// Why it failed; nil on success.
    public var code: ErrorCode?
    public var message: String?

    public init(provider: String, modelID: String, succeeded: Bool, code: ErrorCode? = nil, message: String? = nil) {
        self.provider = provider
        self.modelID = modelID
        self.succeeded = succeeded
        self.code = code
        self.message = message
    }

    /// A success.
    public static func success(provider: String, modelID: String) -> ProviderOutcome {
        ProviderOutcome(provider: provider, modelID: modelID, succeeded: true)
    }

    /// A failure with the error it ended in.
    public static func failure(provider: String, modelID: String, error: RoomReelError) -> ProviderOutcome {
        ProviderOutcome(provider: provider, modelID: modelID, succeeded: false, code: error.code, message: error.message)
    }

    enum CodingKeys: String, CodingKey {
        case provider, succeeded, code, message
        case modelID = "model_id"
    }
}
