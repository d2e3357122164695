import Foundation
import ServiceSettings

/// What routing needs, for model-router (which routes) and api-ingress (which quotes and lists models):
/// the model catalog and which providers can take work.
public struct RoutingConfiguration: Sendable {
    public var catalog: ModelCatalog
    public var availability: ProviderAvailability

    public init(catalog: ModelCatalog, availability: ProviderAvailability) {
        self.catalog = catalog
        self.availability = availability
    }

    /// The bundled catalog, or the file at `ROOMREEL_MODEL_CATALOG`; availability from `ROOMREEL_PROVIDERS`
    /// or else the providers' credential variables (`REPLICATE_API_TOKEN`, `KLING_ACCESS_KEY` + `KLING_SECRET_KEY`, …).
    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> RoutingConfiguration {
        let catalog: ModelCatalog
        if let path = environment.optionalString("ROOMREEL_MODEL_CATALOG") {
            do {
                catalog = try ModelCatalog.load(path: path)
            } catch {
                throw ConfigurationError(variable: "ROOMREEL_MODEL_CATALOG", problem: "points at a bad catalog: \(error)")
            }
        } else {
            catalog = try ModelCatalog.bundled()
        }
        return RoutingConfiguration(catalog: catalog, availability: try .fromEnvironment(environment))
    }

    /// A selector over this catalog and availability.
    public var selector: ModelSelector {
        ModelSelector(catalog: catalog, availability: availability)
    }

    /// A selector for a decision at `now`: providers whose circuit breakers are open count as
    /// unavailable too.
    public func selector(health: ProviderHealth, at now: Date = Date()) -> ModelSelector {
        ModelSelector(catalog: catalog, availability: health.availability(availability, at: now))
    }
}
