/// Which providers can take work now: those a running provider-bridge announced it serves (the local
/// renderer always), minus those marked unhealthy. A model of an unavailable provider is skipped by
/// routing.
public struct ProviderAvailability: Sendable, Equatable {
    /// Providers some running bridge serves.
    public var configured: Set<String>
    /// Providers failing too often lately, with why.
    public var unhealthy: [String: String]

    public init(configured: Set<String>, unhealthy: [String: String] = [:]) {
        self.configured = configured.union([Self.local])
        self.unhealthy = unhealthy
    }

    public static let local = "local"

    /// The environment variables that carry each provider's credentials in provider-bridge (all must
    /// be set), for messages that say how to make a provider available.
    public static let credentialVariables: [String: [String]] = [
        "replicate": ["REPLICATE_API_TOKEN"],
        "kling": ["KLING_ACCESS_KEY", "KLING_SECRET_KEY"],
        "google": ["GOOGLE_API_KEY"],
        "luma": ["LUMA_API_KEY"],
        "runway": ["RUNWAYML_API_SECRET"],
        "fal": ["FAL_KEY"],
    ]

    /// Whether a running bridge serves `provider` (healthy or not).
    public func isServed(_ provider: String) -> Bool { configured.contains(provider) }

    /// Why `provider` cannot take work, or nil when it can.
    public func unavailability(of provider: String) -> String? {
        guard configured.contains(provider) else {
            let variables = Self.credentialVariables[provider].map { " (it needs \($0.joined(separator: ", ")) in provider-bridge)" } ?? ""
            return "no running provider-bridge serves provider \(provider)\(variables)"
        }
        if let reason = unhealthy[provider] { return "provider \(provider) is unhealthy: \(reason)" }
        return nil
    }
}
