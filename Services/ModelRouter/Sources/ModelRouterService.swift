import Logging
import ServiceLifecycle
import Shared

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let modelRouterServiceName = "model-router"

/// model-router's long-running parts, for a service group of its own or for `roomreel dev`.
public func buildModelRouterServices(config: ModelRouterConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: modelRouterServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: modelRouterServiceName),
                                       migrations: RoutingDecisionRecord.registerMigrations)
    let handler = RoutingHandler(selector: config.routing.selector, logger: logger)
    return try EventServiceParts(name: modelRouterServiceName, common: config.common, database: database,
                                 handler: handler, logger: logger).services
}

/// The model-router executable's service group.
public func buildServiceGroup(config: ModelRouterConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildModelRouterServices(config: config),
                             logger: config.common.logger(service: modelRouterServiceName))
}
