import Foundation
import GRDB
import Hummingbird
import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let apiIngressServiceName = "api-ingress"

/// The api-ingress HTTP application, with its event parts (producer, outbox relay, job projection)
/// running as the application's services. `main`, `roomreel dev` and tests all build it here.
public func buildApplication(config: IngressConfiguration) throws -> some ApplicationProtocol {
    let logger = config.common.logger(service: apiIngressServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: apiIngressServiceName)) { migrator in
        APIKeyRecord.registerMigrations(&migrator)
        JobRecord.registerMigrations(&migrator)
        migrator.registerMigration("api-ingress-v3-provider-breakers", migrate: ProviderBreakerRecord.createTable)
    }
    // The same breakers model-router keeps, fed by the same events: quotes and `GET /v1/models`
    // then agree with where jobs will really go.
    let health = try ProviderBreakerRecord.loadHealth(from: database)
    try database.pool.write { db in
        for (workspaceID, key) in config.bootstrapAPIKeys {
            try APIKeyRecord(keyHash: APIKeyRecord.hash(key), workspaceID: workspaceID, createdAt: Date()).insert(db, onConflict: .ignore)
        }
    }
    let parts = try EventServiceParts(name: apiIngressServiceName, common: config.common, database: database,
                                      handler: EventHandlers([JobProjection(logger: logger), ProviderHealthHandler(health: health, logger: logger)]),
                                      logger: logger)

    // With port 0 the real port is known only once the server runs; URLs handed out use it.
    let boundPort = Mutex(config.port)
    let publicBaseURL: @Sendable () -> String = { [host = config.host, configured = config.publicBaseURL] in
        configured ?? "http://\(host):\(boundPort.withLock { $0 })"
    }

    let storage = LocalBlobStore(root: config.common.storageDirectory)
    let videosFolder = try storage.fileURL(for: "generation-videos")
    try FileManager.default.createDirectory(at: videosFolder, withIntermediateDirectories: true)

    let router = Router(context: IngressRequestContext.self)
    router.middlewares.add(APIErrorMiddleware())
    router.middlewares.add(FileMiddleware(videosFolder.path, urlBasePath: "/media/generation-videos", logger: logger))
    router.get("/healthz") { _, _ in "ok" }
    AdminRoutes(database: database).register(on: router.group("v1/admin").add(middleware: AdminAuthenticator(adminToken: config.adminToken)))
    let api = router.group("v1").add(middleware: APIKeyAuthenticator(database: database))
    ModelRoutes(routing: config.routing, health: health).register(on: api)
    VideoRoutes(database: database, storage: storage, routing: config.routing, health: health,
                imageCheck: InputImageCheck(ffmpegPath: config.ffmpegPath),
                imageFetcher: OutboundFetcher(policy: OutboundAddressPolicy(allowed: config.fetchAllowed),
                                              maximumBytes: Int64(InputImageCheck.maximumBytes), timeout: .seconds(20)),
                maxUploadBytes: config.maxUploadBytes, publicBaseURL: publicBaseURL).register(on: api)

    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: apiIngressServiceName),
        services: parts.services,
        onServerRunning: { [onServerRunning = config.onServerRunning] channel in
            let port = channel.localAddress?.port ?? config.port
            boundPort.withLock { $0 = port }
            await onServerRunning(port)
        },
        logger: logger
    )
}

/// The api-ingress executable's service group.
public func buildServiceGroup(config: IngressConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup([try buildApplication(config: config)], logger: config.common.logger(service: apiIngressServiceName))
}
