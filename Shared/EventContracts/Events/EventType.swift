/// The events that cross Kafka. Each type has a topic of the same name.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case videoRequested = "video.requested"
    case videoRouted = "video.routed"
    case creditsDebited = "credits.debited"
    case creditsRejected = "credits.rejected"
    case videoSubmitted = "video.submitted"
    case videoProgress = "video.progress"
    case videoGenerated = "video.generated"
    case videoFailed = "video.failed"
    case videoStored = "video.stored"
    case providerOutcome = "provider.outcome"
    case creditsGrantRequested = "credits.grant_requested"
    case creditsGranted = "credits.granted"
    case providersAnnounced = "providers.announced"
    case providerWebhook = "provider.webhook"

    /// The Kafka topic that carries events of this type.
    public var topic: String { rawValue }

    /// Every topic RoomReel uses, for creating them on a cluster.
    public static var allTopics: [String] { allCases.map(\.topic) }
}
