/// A running provider-bridge says which providers it can serve: those it has a client for and whose
/// credentials it holds (the local renderer always). It says so when it starts and again every
/// interval; model-router and api-ingress offer a provider's models only while some bridge's last
/// announcement names it and has not expired. The envelope's `subject` is the bridge and its
/// `workspace_id` is empty.
public struct ProvidersAnnounced: EventPayload {
    public static let eventType = EventType.providersAnnounced
    /// Which bridge: a later announcement from the same one replaces its earlier one.
    public var bridgeID: String
    /// The catalog's provider names (`replicate`, `kling`, …), sorted.
    public var providers: [String]
    /// How long after the event's time the announcement holds unless renewed.
    public var validForSeconds: Int

    public init(bridgeID: String, providers: [String], validForSeconds: Int) {
        self.bridgeID = bridgeID
        self.providers = providers.sorted()
        self.validForSeconds = validForSeconds
    }

    enum CodingKeys: String, CodingKey {
        case providers
        case bridgeID = "bridge_id"
        case validForSeconds = "valid_for_seconds"
    }
}
