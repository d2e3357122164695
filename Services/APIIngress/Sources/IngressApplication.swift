import EventRuntime
import Foundation
import GRDB
import Hummingbird
import Logging
import ModelCatalog
import ObjectStorage
import OutboundHTTP
import ServiceLifecycle
import Signing
import Synchronization

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let apiIngressServiceName = "api-ingress"

/// The api-ingress HTTP application, with its event parts (producer, each owned shard's relay, the
/// projections) and the client webhook dispatcher and sweeps of each owned shard running as the
/// application's services. `main`, `roomreel dev` and tests all build it here.
public func buildApplication(config: IngressConfiguration) throws -> some ApplicationProtocol {
    try ListeningPort.ensureAvailable(host: config.host, port: config.port, setting: config.portSetting)
    let logger = config.common.logger(service: apiIngressServiceName)
    let databases = try IngressDatabases(common: config.common, logger: logger)
    // The same breakers model-router keeps, fed by the same events: quotes and `GET /v1/models`
    // then agree with where jobs will really go.
    let health = try ProviderHealth.load(from: databases.replica)
    try databases.keys.pool.write { db in
        for (workspaceID, key) in config.bootstrapAPIKeys {
            try APIKeyRecord(keyHash: APIKeyRecord.hash(key), workspaceID: workspaceID, createdAt: Date(), keyPrefix: nil, name: nil)
                .insert(db, onConflict: .ignore)
        }
    }

    // With port 0 the real port is known only once the server runs; URLs handed out use it.
    let boundPort = Mutex(config.port)
    let publicBaseURL: @Sendable () -> String = { [host = config.host, configured = config.publicBaseURL] in
        configured ?? "http://\(host):\(boundPort.withLock { $0 })"
    }
    let completions = JobSignals()
    let changes = JobSignals()
    // Other replicas' requests write outbox rows into the shards this one owns: the relay looks
    // for them that often.
    let parts = try EventServiceParts(
        name: apiIngressServiceName, common: config.common, shards: databases.shards,
        handler: EventHandlers([
            JobProjection(logger: logger, completions: completions, changeSignals: changes, publicBaseURL: publicBaseURL,
                          videoLinks: VideoLinks(storage: config.common.storage)),
            LedgerProjection(logger: logger),
        ]),
        logger: logger, outboxLookEvery: .milliseconds(50))
    let outcomes = try ProviderHealthHandler.consumer(service: apiIngressServiceName, common: config.common, database: databases.replica,
                                                      health: health, logger: logger)
    // Announcements on a consumer of their own, so a backlog of job events never delays them.
    let announcements = try ProviderAnnouncementHandler.consumer(service: apiIngressServiceName, common: config.common,
                                                                 database: databases.replica, health: health, logger: logger)
    let router = try buildRouter(config: config, databases: databases, health: health, completions: completions, changes: changes,
                                 kafkaAnswers: { [producer = parts.producer] in await producer.clusterAnswers() },
                                 publicBaseURL: publicBaseURL, logger: logger)
    let sender = OutboundFetcher(policy: OutboundAddressPolicy(allowed: config.fetchAllowed), maximumBytes: 64 << 10,
                                 timeout: .seconds(15), connectTimeout: .seconds(5), maximumRedirects: 0)
    let photos = LocalBlobStore(root: config.common.storageDirectory)
    // Each owned shard's client webhooks and sweeps, on its fenced pool.
    let shardWork = ShardWorkers("client webhooks and sweeps", shards: databases.shards, logger: logger) { [config] _, database in
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                try await WebhookDispatcher(database: database, sender: sender, schedule: WebhookRetrySchedule(scale: config.webhookRetryScale),
                                            logger: logger).run()
            }
            group.addTask { try await IdempotencyRecord.sweeper(database: database, logger: logger).run() }
            group.addTask {
                try await InputPhotoRetention(database: database, storage: photos, retention: config.inputRetention).sweeper(logger: logger).run()
            }
        }
    }

    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: apiIngressServiceName),
        services: parts.services(around: databases.commits + [
            WALCheckpointer(database: databases.keys, logger: logger), WALCheckpointer(database: databases.replica, logger: logger),
            shardWork, outcomes, announcements,
        ]),
        onServerRunning: { [onServerRunning = config.onServerRunning] channel in
            let port = channel.localAddress?.port ?? config.port
            boundPort.withLock { $0 = port }
            await onServerRunning(port)
        },
        logger: logger
    )
}

/// Every route api-ingress serves. Separate from `buildApplication` so that tests can hold the real
/// routes against the OpenAPI document.
func buildRouter(config: IngressConfiguration, databases: IngressDatabases, health: ProviderHealth, completions: JobSignals,
                 changes: JobSignals = JobSignals(), kafkaAnswers: @escaping @Sendable () async -> Bool,
                 publicBaseURL: @escaping @Sendable () -> String, logger: Logger) throws -> Router<IngressRequestContext> {
    let files = databases.files
    let storage = LocalBlobStore(root: config.common.storageDirectory)
    try FileManager.default.createDirectory(at: storage.root, withIntermediateDirectories: true)
    _ = ProcessMetrics.registry

    let router = Router(context: IngressRequestContext.self)
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(APIErrorMiddleware())
    if case .local = config.common.storage {
        // Finished videos and posters only (under any destination prefix): the clients' photos
        // live in the same folder and are nobody else's business.
        router.middlewares.add(MediaPathGuard())
        router.middlewares.add(FileMiddleware(storage.root.path, urlBasePath: "/media", logger: logger))
    }
    OperationsRoutes(outboxes: databases.edges, openAPI: try OpenAPIDocument.bundled(), kafkaAnswers: kafkaAnswers).register(on: router)
    if let playground = config.playground { try PlaygroundRoutes(access: playground).register(on: router) }
    let admission = WorkspaceAdmission(files: files, defaults: config.workspaceLimits)
    AdminRoutes(files: files, keys: databases.keys, admission: admission)
        .register(on: router.group("v1/admin").add(middleware: AdminAuthenticator(adminToken: config.adminToken)))
    let jwt = config.jwtSecret.map { HS256Tokens(secret: $0) }
    let knownKeys = KnownAPIKeys()
    let api = router.group("v1").add(middleware: APIKeyAuthenticator(database: databases.keys, jwt: jwt, knownKeys: knownKeys))
    ModelRoutes(routing: config.routing, health: health).register(on: api)
    let policy = OutboundAddressPolicy(allowed: config.fetchAllowed)
    let intake = JobIntake(
        files: files, admission: admission, verifiedPhotos: VerifiedPhotos(), webhookPolicy: policy, storage: storage, routing: config.routing,
        health: health, imageCheck: InputImageCheck(),
        imageFetcher: OutboundFetcher(policy: policy, maximumBytes: Int64(InputImageCheck.maximumBytes), timeout: .seconds(20)),
        publicBaseURL: publicBaseURL, videoLinks: VideoLinks(storage: config.common.storage))
    VideoRoutes(intake: intake, completions: completions, changes: changes, maxUploadBytes: config.maxUploadBytes).register(on: api)
    WorkspaceRoutes(files: files).register(on: api)

    // The compatibility APIs (Compat/): each under its own base path, with its own error shape and
    // the same keys.
    let compat = CompatJobs(intake: intake, completions: completions, settings: config.compat, maxUploadBytes: config.maxUploadBytes)
    func compatGroup(_ path: String, schemes: [String] = ["bearer"], errors: @escaping @Sendable (APIError) -> [String: Any]) -> RouterGroup<IngressRequestContext> {
        router.group(RouterPath(path)).add(middleware: CompatErrorMiddleware(render: errors))
            .add(middleware: APIKeyAuthenticator(database: databases.keys, jwt: jwt, knownKeys: knownKeys, schemes: schemes))
    }
    OpenAIVideosRoutes(jobs: compat).register(on: compatGroup("openai/v1", errors: OpenAIVideo.error))
    InteriorVideoRoutes(jobs: compat).register(on: compatGroup("functions/v1", errors: InteriorVideoRoutes.error))
    HomeDesignsRoutes(jobs: compat).register(on: compatGroup("api/v2", errors: HomeDesignsRoutes.error))
    WevionRoutes(jobs: compat).register(on: compatGroup("api/v1/creative-hub/generate", errors: WevionRoutes.error))
    RoomAIRoutes(jobs: compat).register(on: compatGroup("api/v1", errors: RoomAIRoutes.error))
    Veo3APIRoutes(jobs: compat).register(on: compatGroup("api/v1/generate", schemes: ["bearer", "token"], errors: Veo3APIRoutes.error))
    router.middlewares.add(MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

/// The api-ingress executable's service group.
public func buildServiceGroup(config: IngressConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup([try buildApplication(config: config)], logger: config.common.logger(service: apiIngressServiceName))
}
