import LocalRender
import Logging
import ServiceLifecycle
import Shared

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let providerBridgeServiceName = "provider-bridge"

/// provider-bridge's long-running parts, for a service group of its own or for `roomreel dev`.
public func buildProviderBridgeServices(config: ProviderBridgeConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: providerBridgeServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: providerBridgeServiceName),
                                       migrations: PredictionRecord.registerMigrations)
    let parts = try EventServiceParts(name: providerBridgeServiceName, common: config.common, database: database,
                                      handler: SubmissionHandler(logger: logger), logger: logger)
    let worker = LocalRenderWorker(
        database: database, renderer: LocalRenderer(ffmpegPath: config.ffmpegPath),
        storage: LocalBlobStore(root: config.common.storageDirectory),
        renderDirectory: config.renderDirectory, logger: logger)
    // The worker sits between relay and consumer so that on shutdown it stops after the consumer and
    // before the relay, which still publishes the result of a render that just finished.
    return [parts.producer, parts.relay, worker] + (parts.consumer.map { [$0] } ?? [])
}

/// The provider-bridge executable's service group.
public func buildServiceGroup(config: ProviderBridgeConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildProviderBridgeServices(config: config),
                             logger: config.common.logger(service: providerBridgeServiceName))
}
