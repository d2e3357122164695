import EventRuntime
import ModelCatalog
import ServiceSettings


/// model-router's settings.
public struct ModelRouterConfiguration: Sendable {
    public var common: CommonConfiguration
    public var routing: RoutingConfiguration

    public init(common: CommonConfiguration, routing: RoutingConfiguration) {
        self.common = common
        self.routing = routing
    }

    public static func fromEnvironment(_ environment: EnvironmentReader) throws -> ModelRouterConfiguration {
        ModelRouterConfiguration(common: try .fromEnvironment(environment), routing: try .fromEnvironment(environment))
    }
}
