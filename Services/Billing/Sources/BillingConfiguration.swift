import EventRuntime
import ServiceSettings


/// billing's settings.
public struct BillingConfiguration: Sendable {
    public var common: CommonConfiguration
    /// Grants applied once at start-up, idempotently (`BILLING_BOOTSTRAP_GRANTS=dev:1000,acme:50`).
    public var bootstrapGrants: [(workspaceID: String, credits: Int64)]

    public init(common: CommonConfiguration, bootstrapGrants: [(workspaceID: String, credits: Int64)] = []) {
        self.common = common
        self.bootstrapGrants = bootstrapGrants
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> BillingConfiguration {
        let grants = try environment.pairs("BILLING_BOOTSTRAP_GRANTS").map { workspace, amount in
            guard let credits = Int64(amount), credits > 0 else {
                throw ConfigurationError(variable: "BILLING_BOOTSTRAP_GRANTS", problem: "needs a positive credit amount for '\(workspace)', got '\(amount)'")
            }
            return (workspaceID: workspace, credits: credits)
        }
        return BillingConfiguration(common: try .fromEnvironment(environment), bootstrapGrants: grants)
    }
}
