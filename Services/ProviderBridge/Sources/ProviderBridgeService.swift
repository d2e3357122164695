import EventRuntime
import Foundation
import Hummingbird
import LocalRender
import Logging
import ObjectStorage
import OutboundHTTP
import ServiceLifecycle
import Signing
import Synchronization

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let providerBridgeServiceName = "provider-bridge"

/// provider-bridge's long-running parts, for a service group of its own or for `roomreel dev`:
/// the event consumer, the local render worker, the scheduler that drives remote jobs, and the HTTP
/// listener for the providers' webhooks. `onListening` is told the listener's port once it is bound.
public func buildProviderBridgeServices(config: ProviderBridgeConfiguration,
                                        onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
    try ListeningPort.ensureAvailable(host: config.httpHost, port: config.httpPort, setting: "BRIDGE_HTTP_PORT")
    _ = ProcessMetrics.registry
    let logger = config.common.logger(service: providerBridgeServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: providerBridgeServiceName),
                                       migrations: PredictionRecord.registerMigrations)
    let client = ServiceHTTPClient()
    var providers = config.providers.clients(client: client)
    providers[LocalRenderer.providerName] = LocalProvider()
    let rules = SchedulingRules(catalog: config.catalog, defaultTimeLimit: config.defaultTimeLimit, reconcileAfter: config.reconcileAfter,
                                pollInterval: config.pollInterval, submitAttempts: config.submitAttempts, retryBaseDelay: config.retryBaseDelay)
    // With port 0 the real port is known only once the listener runs; callback URLs use it.
    let boundPort = Mutex(config.httpPort)
    let callbacks = CallbackURLs(
        key: try CallbackURLs.loadKey(configured: config.callbackSecret, dataDirectory: config.common.dataDirectory),
        publicBaseURL: { [configured = config.publicURL] in configured ?? URL(string: "http://127.0.0.1:\(boundPort.withLock { $0 })")! })
    let commits = GroupCommit<GenerationRecorder.Recorded>(database: database)
    let renders = RenderFiles(directory: config.renderDirectory)
    let recorder = GenerationRecorder(database: database, commits: commits, renders: renders, client: client, logger: logger)
    let receiver = WebhookReceiver(
        database: database, providers: providers,
        replicateSignature: try replicateSignature(config.providers, provider: providers["replicate"] as? ReplicateProvider, logger: logger),
        callbacks: callbacks, recorder: recorder, logger: logger)

    let parts = try EventServiceParts(
        name: providerBridgeServiceName, common: config.common, database: database,
        handler: EventHandlers([
            SubmissionHandler(channels: providers.mapValues(\.completion), rules: rules, logger: logger),
            RenderCleanupHandler(files: renders, logger: logger),
        ]), logger: logger)
    // The photos api-ingress stored: read for the renderer and for providers, and served to Luma.
    let inputs = LocalBlobStore(root: config.common.storageDirectory)
    let worker = LocalRenderWorker(
        database: database, renderer: LocalRenderer(ffmpegPath: config.ffmpegPath), catalog: config.catalog,
        storage: inputs, files: renders, logger: logger)
    let scheduler = PredictionScheduler(
        database: database, providers: providers, rules: rules, callbacks: callbacks,
        inputs: inputs, cropper: PhotoCropper(ffmpegPath: config.ffmpegPath), workDirectory: config.renderDirectory,
        recorder: recorder, tick: config.schedulerTick, logger: logger)
    let listener = Application(
        router: WebhookRoutes.router(
            receiver: receiver,
            inputs: InputFiles(database: database, storage: inputs, callbacks: callbacks)),
        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: providerBridgeServiceName),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.httpPort
            boundPort.withLock { $0 = port }
            logger.notice("provider-bridge webhooks listening", metadata: ["port": "\(port)"])
            await onListening(port)
        },
        logger: logger)
    // Shutdown runs in reverse: the consumer stops taking jobs first, then the listener and the
    // scheduler, then the group commit that records for both, and the relay (which still publishes
    // what the others just recorded) and producer last.
    let announcer = ProviderAnnouncer(database: database, bridgeID: config.instanceID, providers: Array(providers.keys),
                                      interval: config.announceInterval, logger: logger)
    return parts.services(around: [worker, commits, scheduler, WebhookReceiptRecord.sweeper(database: database, logger: logger), listener, announcer])
}

/// The Replicate webhook verifier: from `REPLICATE_WEBHOOK_SECRET`, else from Replicate's default
/// secret endpoint, read once at start-up; nil when Replicate is not configured.
private func replicateSignature(_ settings: ProviderSettings, provider: ReplicateProvider?, logger: Logger) throws -> ReplicateSigningKey? {
    guard let provider else { return nil }
    if let secret = settings.replicateWebhookSecret, let signature = StandardWebhookSignature(secret: secret) {
        return ReplicateSigningKey(fixed: signature)
    }
    return ReplicateSigningKey(fetch: { () async -> StandardWebhookSignature? in
        do {
            return StandardWebhookSignature(secret: try await provider.defaultWebhookSecret())
        } catch {
            logger.error("Could not read Replicate's webhook secret; set REPLICATE_WEBHOOK_SECRET", metadata: ["error": "\(error)"])
            return nil
        }
    })
}

/// The provider-bridge executable's service group. It prints the webhook listener's port on standard
/// output once bound (with `BRIDGE_HTTP_PORT=0`, the only way to learn it).
public func buildServiceGroup(config: ProviderBridgeConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildProviderBridgeServices(config: config, onListening: { port in
                                 FileHandle.standardOutput.write(Data("provider-bridge listening on port \(port)\n".utf8))
                             }),
                             logger: config.common.logger(service: providerBridgeServiceName))
}
