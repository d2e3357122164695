import Shared

/// model-router's settings.
public struct ModelRouterConfiguration: Sendable {
    public var common: CommonConfiguration
    public var catalog: ModelCatalog

    public init(common: CommonConfiguration, catalog: ModelCatalog = .builtIn) {
        self.common = common
        self.catalog = catalog
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> ModelRouterConfiguration {
        ModelRouterConfiguration(common: try .fromEnvironment(environment))
    }
}
