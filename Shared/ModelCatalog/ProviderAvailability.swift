import ServiceSettings

/// Which providers can take work now: those with credentials configured (the local renderer always),
/// minus those marked unhealthy. A model of an unavailable provider is skipped by routing.
public struct ProviderAvailability: Sendable, Equatable {
    /// Providers with credentials.
    public var configured: Set<String>
    /// Providers failing too often lately, with why.
    public var unhealthy: [String: String]

    public init(configured: Set<String>, unhealthy: [String: String] = [:]) {
        self.configured = configured.union([Self.local])
        self.unhealthy = unhealthy
    }

    public static let local = "local"

    /// The environment variables that carry each provider's credentials (all must be set).
    public static let credentialVariables: [String: [String]] = [
        "replicate": ["REPLICATE_API_TOKEN"],
        "kling": ["KLING_ACCESS_KEY", "KLING_SECRET_KEY"],
        "google": ["GOOGLE_API_KEY"],
        "luma": ["LUMA_API_KEY"],
        "runway": ["RUNWAYML_API_SECRET"],
        "fal": ["FAL_KEY"],
    ]

    /// The providers listed in `ROOMREEL_PROVIDERS` (comma-separated), for a service that is told which
    /// providers provider-bridge has credentials for instead of being handed the secrets (compose);
    /// without it, the providers whose credential variables are all set.
    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> ProviderAvailability {
        if let listed = environment.optionalString("ROOMREEL_PROVIDERS") {
            let names = Set(listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            let unknown = names.subtracting(credentialVariables.keys)
            guard unknown.isEmpty else {
                throw ConfigurationError(variable: "ROOMREEL_PROVIDERS", problem: "names \(unknown.sorted().joined(separator: ", ")); the providers are \(credentialVariables.keys.sorted().joined(separator: ", "))")
            }
            return ProviderAvailability(configured: names)
        }
        let configured = credentialVariables.filter { _, variables in
            variables.allSatisfy { environment.optionalString($0, secret: true) != nil }
        }.keys
        return ProviderAvailability(configured: Set(configured))
    }

    /// Why `provider` cannot take work, or nil when it can.
    public func unavailability(of provider: String) -> String? {
        guard configured.contains(provider) else {
            let variables = Self.credentialVariables[provider]?.joined(separator: ", ") ?? "its credentials"
            return "provider \(provider) has no credentials configured (\(variables))"
        }
        if let reason = unhealthy[provider] { return "provider \(provider) is unhealthy: \(reason)" }
        return nil
    }
}
