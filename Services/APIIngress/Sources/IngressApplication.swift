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

/// The api-ingress HTTP application, with its event parts (producer, outbox relay, projections) and
/// the client webhook dispatcher running as the application's services. `main`, `roomreel dev` and
/// tests all build it here.
public func buildApplication(config: IngressConfiguration) throws -> some ApplicationProtocol {
    try ListeningPort.ensureAvailable(host: config.host, port: config.port, setting: config.portSetting)
    let logger = config.common.logger(service: apiIngressServiceName)
    let database = try openIngressDatabase(path: config.common.databasePath(service: apiIngressServiceName))
    // The same breakers model-router keeps, fed by the same events: quotes and `GET /v1/models`
    // then agree with where jobs will really go.
    let health = try ProviderHealth.load(from: database)
    try database.pool.write { db in
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
    let parts = try EventServiceParts(
        name: apiIngressServiceName, common: config.common, database: database,
        handler: EventHandlers([
            JobProjection(logger: logger, completions: completions, changeSignals: changes, publicBaseURL: publicBaseURL,
                          videoLinks: VideoLinks(storage: config.common.storage)),
            LedgerProjection(logger: logger),
            ProviderHealthHandler(health: health, logger: logger),
        ]),
        logger: logger)
    // Announcements on a consumer of their own, so a backlog of job events never delays them.
    let announcements = try ProviderAnnouncementHandler.consumer(service: apiIngressServiceName, common: config.common,
                                                                 database: database, health: health, logger: logger)
    let commits = GroupCommit<JobCreation>(database: database)
    let router = try buildRouter(config: config, database: database, health: health, completions: completions, changes: changes, commits: commits,
                                 kafkaAnswers: { [producer = parts.producer] in await producer.clusterAnswers() },
                                 publicBaseURL: publicBaseURL, logger: logger)
    let dispatcher = WebhookDispatcher(
        database: database,
        sender: OutboundFetcher(policy: OutboundAddressPolicy(allowed: config.fetchAllowed), maximumBytes: 64 << 10,
                                timeout: .seconds(15), connectTimeout: .seconds(5), maximumRedirects: 0),
        schedule: WebhookRetrySchedule(scale: config.webhookRetryScale), logger: logger)

    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: apiIngressServiceName),
        services: parts.services + [dispatcher, commits, IdempotencyRecord.sweeper(database: database, logger: logger), announcements,
                                    InputPhotoRetention(database: database, storage: LocalBlobStore(root: config.common.storageDirectory),
                                                        retention: config.inputRetention).sweeper(logger: logger)],
        onServerRunning: { [onServerRunning = config.onServerRunning] channel in
            let port = channel.localAddress?.port ?? config.port
            boundPort.withLock { $0 = port }
            await onServerRunning(port)
        },
        logger: logger
    )
}

/// api-ingress's database, migrated.
func openIngressDatabase(path: String) throws -> ServiceDatabase {
    try ServiceDatabase(path: path) { migrator in
        APIKeyRecord.registerMigrations(&migrator)
        JobRecord.registerMigrations(&migrator)
        migrator.registerMigration("api-ingress-v3-provider-breakers", migrate: ProviderBreakerRecord.createTable)
        migrator.registerMigration("api-ingress-v4-public-api") { db in
            try APIKeyRecord.addPrefixAndName(db)
            try IdempotencyRecord.createTable(db)
            try LedgerViewRecord.createTable(db)
            try WorkspaceBalanceRecord.createTable(db)
            try WebhookSecretRecord.createTable(db)
            try WebhookDeliveryRecord.createTable(db)
            try WebhookAttemptRecord.createTable(db)
            try db.create(index: "jobs_by_workspace_status", on: JobRecord.databaseTableName, columns: ["workspace_id", "status", "created_at"])
        }
        migrator.registerMigration("api-ingress-v5-job-delivery", migrate: JobRecord.addDeliveryColumns)
        migrator.registerMigration("api-ingress-v6-provider-announcements", migrate: ProviderAnnouncementRecord.createTable)
        migrator.registerMigration("api-ingress-v7-job-origin", migrate: JobRecord.addOriginColumns)
        migrator.registerMigration("api-ingress-v8-held-event", migrate: JobRecord.addHeldEventColumn)
        migrator.registerMigration("api-ingress-v9-input-photos", migrate: InputPhotoRecord.createTable)
        migrator.registerMigration("api-ingress-v10-workspace-limits", migrate: WorkspaceLimitsRecord.createTable)
        migrator.registerMigration("api-ingress-v11-generation-progress", migrate: JobRecord.addGenerationProgressColumn)
    }
}

/// Every route api-ingress serves. Separate from `buildApplication` so that tests can hold the real
/// routes against the OpenAPI document.
func buildRouter(config: IngressConfiguration, database: ServiceDatabase, health: ProviderHealth, completions: JobSignals,
                 changes: JobSignals = JobSignals(), commits: GroupCommit<JobCreation>,
                 kafkaAnswers: @escaping @Sendable () async -> Bool, publicBaseURL: @escaping @Sendable () -> String,
                 logger: Logger) throws -> Router<IngressRequestContext> {
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
    OperationsRoutes(database: database, openAPI: try OpenAPIDocument.bundled(), kafkaAnswers: kafkaAnswers).register(on: router)
    if let playground = config.playground { try PlaygroundRoutes(access: playground).register(on: router) }
    let admission = WorkspaceAdmission(database: database, defaults: config.workspaceLimits)
    AdminRoutes(database: database, admission: admission).register(on: router.group("v1/admin").add(middleware: AdminAuthenticator(adminToken: config.adminToken)))
    let jwt = config.jwtSecret.map { HS256Tokens(secret: $0) }
    let knownKeys = KnownAPIKeys()
    let api = router.group("v1").add(middleware: APIKeyAuthenticator(database: database, jwt: jwt, knownKeys: knownKeys))
    ModelRoutes(routing: config.routing, health: health).register(on: api)
    let policy = OutboundAddressPolicy(allowed: config.fetchAllowed)
    let recentJobs = RecentJobs()
    database.pool.add(transactionObserver: recentJobs, extent: .databaseLifetime)
    let intake = JobIntake(
        database: database, admission: admission, commits: commits, verifiedPhotos: VerifiedPhotos(), webhookPolicy: policy, storage: storage, routing: config.routing,
        health: health, imageCheck: InputImageCheck(),
        imageFetcher: OutboundFetcher(policy: policy, maximumBytes: Int64(InputImageCheck.maximumBytes), timeout: .seconds(20)),
        publicBaseURL: publicBaseURL, videoLinks: VideoLinks(storage: config.common.storage))
    VideoRoutes(intake: intake, completions: completions, changes: changes, maxUploadBytes: config.maxUploadBytes, recentJobs: recentJobs).register(on: api)
    WorkspaceRoutes(database: database).register(on: api)

    // The compatibility APIs (Compat/): each under its own base path, with its own error shape and
    // the same keys.
    let compat = CompatJobs(intake: intake, completions: completions, settings: config.compat, maxUploadBytes: config.maxUploadBytes)
    func compatGroup(_ path: String, schemes: [String] = ["bearer"], errors: @escaping @Sendable (APIError) -> [String: Any]) -> RouterGroup<IngressRequestContext> {
        router.group(RouterPath(path)).add(middleware: CompatErrorMiddleware(render: errors))
            .add(middleware: APIKeyAuthenticator(database: database, jwt: jwt, knownKeys: knownKeys, schemes: schemes))
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
