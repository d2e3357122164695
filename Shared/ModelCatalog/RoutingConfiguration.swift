import Foundation
import ServiceSettings

/// What routing needs, for model-router (which routes) and api-ingress (which quotes and lists models):
/// the model catalog. Which providers can take work is learnt at run time (`ProviderHealth`), from
/// provider-bridge's announcements: neither service reads provider secrets.
public struct RoutingConfiguration: Sendable {
    public var catalog: ModelCatalog

    public init(catalog: ModelCatalog) {
        self.catalog = catalog
    }

    /// The bundled catalog, or the file at `ROOMREEL_MODEL_CATALOG`.
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
        return RoutingConfiguration(catalog: catalog)
    }

    /// A selector for a decision at `now`: the providers some bridge serves, less those whose
    /// circuit breakers are open.
    public func selector(health: ProviderHealth, at now: Date = Date()) -> ModelSelector {
        ModelSelector(catalog: catalog, availability: health.availability(at: now))
    }
}
