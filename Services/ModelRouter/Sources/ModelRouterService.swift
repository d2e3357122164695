import EventRuntime
import Logging
import ModelCatalog
import ServiceLifecycle

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let modelRouterServiceName = "model-router"

/// model-router's long-running parts, for a service group of its own or for `roomreel dev`.
/// Routing decisions are sharded by workspace; every replica keeps all the providers' breakers and
/// the bridges' announcements (`docs/scaling.md`).
public func buildModelRouterServices(config: ModelRouterConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: modelRouterServiceName)
    let replica = try ServiceDatabase(path: config.common.replicaDatabasePath(service: modelRouterServiceName)) { migrator in
        migrator.registerMigration("model-router-v2-provider-breakers", migrate: ProviderBreakerRecord.createTable)
        migrator.registerMigration("model-router-v3-provider-announcements", migrate: ProviderAnnouncementRecord.createTable)
    }
    // Breakers and bridges' announcements as last committed: a restart remembers which providers
    // were failing and which are served.
    let health = try ProviderHealth.load(from: replica)
    let shards = try config.common.shardSet(service: modelRouterServiceName, logger: logger) { RoutingDecisionRecord.registerMigrations(&$0) }
    let parts = try EventServiceParts(name: modelRouterServiceName, common: config.common, shards: shards,
                                      handler: RoutingHandler(routing: config.routing, health: health, logger: logger), logger: logger)
    let outcomes = try ProviderHealthHandler.consumer(service: modelRouterServiceName, common: config.common, database: replica,
                                                      health: health, logger: logger)
    // Announcements on a consumer of their own: a job held until a bridge has spoken must not hold
    // up the very event it waits for.
    let announcements = try ProviderAnnouncementHandler.consumer(service: modelRouterServiceName, common: config.common,
                                                                 database: replica, health: health, logger: logger)
    return parts.services(around: [WALCheckpointer(database: replica, logger: logger), outcomes, announcements])
}

/// The model-router executable's service group.
public func buildServiceGroup(config: ModelRouterConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildModelRouterServices(config: config),
                             logger: config.common.logger(service: modelRouterServiceName))
}
