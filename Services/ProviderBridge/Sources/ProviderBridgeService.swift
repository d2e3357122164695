import EventContracts
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
/// the event consumer; for each shard it owns (`docs/scaling.md`), the local render worker, the
/// scheduler that drives remote jobs and the group commit that records their outcomes; the HTTP
/// listener for the providers' webhooks, which hands a call about another replica's shard to its
/// owner; and the announcer. `onListening` is told the listener's port once it is bound.
public func buildProviderBridgeServices(config: ProviderBridgeConfiguration,
                                        onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
    try ListeningPort.ensureAvailable(host: config.httpHost, port: config.httpPort, setting: "BRIDGE_HTTP_PORT")
    _ = ProcessMetrics.registry
    let logger = config.common.logger(service: providerBridgeServiceName)
    let map = config.common.shards
    let shards = try config.common.shardSet(service: providerBridgeServiceName, logger: logger) { PredictionRecord.registerMigrations(&$0) }
    // What this replica keeps of its own: the outbox of its announcements.
    let replica = try ServiceDatabase(path: config.common.replicaDatabasePath(service: providerBridgeServiceName)) { _ in }
    let client = ServiceHTTPClient()
    var clients = config.providers.clients(client: client)
    clients[LocalRenderer.providerName] = LocalProvider()
    let providers = clients
    let rules = SchedulingRules(catalog: config.catalog, defaultTimeLimit: config.defaultTimeLimit, reconcileAfter: config.reconcileAfter,
                                pollInterval: config.pollInterval, submitAttempts: config.submitAttempts, retryBaseDelay: config.retryBaseDelay)
    // With port 0 the real port is known only once the listener runs; callback URLs use it.
    let boundPort = Mutex(config.httpPort)
    let callbacks = CallbackURLs(
        key: try CallbackURLs.loadKey(configured: config.callbackSecret, dataDirectory: config.common.dataDirectory),
        publicBaseURL: { [configured = config.publicURL] in configured ?? URL(string: "http://127.0.0.1:\(boundPort.withLock { $0 })")! })
    let signature = try replicateSignature(config.providers, provider: providers["replicate"] as? ReplicateProvider, logger: logger)
    // The photos api-ingress stored: read for the renderer and for providers, and served to Luma.
    let inputs = LocalBlobStore(root: config.common.storageDirectory)
    // Each shard renders in a folder of its own, so that its start-up sweep touches only its jobs' files.
    let renderFiles = { @Sendable (shard: Int) in RenderFiles(directory: config.renderDirectory.appendingPathComponent("shard-\(shard)")) }
    let running = RunningShards<WebhookReceiver>()
    let renderSlots = RenderSlots(config.localRenderConcurrency)

    /// The parts that drive one owned shard's predictions, and its webhook receiver.
    @Sendable func shardParts(_ shard: Int, _ database: ServiceDatabase) -> (receiver: WebhookReceiver, services: [any Service]) {
        let files = renderFiles(shard)
        let commits = GroupCommit<GenerationRecorder.Recorded>(database: database)
        let recorder = GenerationRecorder(database: database, commits: commits, renders: files, client: client, logger: logger)
        let receiver = WebhookReceiver(database: database, providers: providers, replicateSignature: signature, callbacks: callbacks,
                                       recorder: recorder, logger: logger)
        let worker = LocalRenderWorker(
            database: database, renderer: LocalRenderer(ffmpegPath: config.ffmpegPath), catalog: config.catalog,
            storage: inputs, files: files, slots: renderSlots, logger: logger)
        let scheduler = PredictionScheduler(
            database: database, providers: providers, rules: rules, callbacks: callbacks,
            inputs: inputs, cropper: PhotoCropper(ffmpegPath: config.ffmpegPath), workDirectory: files.directory,
            recorder: recorder, tick: config.schedulerTick, logger: logger)
        return (receiver, [commits, worker, scheduler, WebhookReceiptRecord.sweeper(database: database, logger: logger)])
    }

    let parts = try EventServiceParts(
        name: providerBridgeServiceName, common: config.common, shards: shards,
        handler: EventHandlers([
            SubmissionHandler(channels: providers.mapValues(\.completion), rules: rules, logger: logger),
            RenderCleanupHandler(files: { renderFiles(map.shard(of: $0)) }, logger: logger),
            WebhookHandoverHandler(receiver: { running[map.shard(of: $0)] }, logger: logger),
        ]), logger: logger)
    let owned = ShardWorkers("provider-bridge", shards: shards, logger: logger) { shard, database in
        let (receiver, services) = shardParts(shard, database)
        running.add(receiver, for: shard)
        defer { running.remove(shard) }
        try await withThrowingDiscardingTaskGroup { group in
            for service in services { group.addTask { try await service.run() } }
        }
    }
    let producer = parts.producer
    let edge = WebhookEdge(
        checks: WebhookChecks(providers: providers, replicateSignature: signature, callbacks: callbacks, logger: logger),
        receivers: { workspace in workspace.map { running[map.shard(of: $0)].map { [$0] } ?? [] } ?? running.all },
        inputs: { workspace in
            (workspace.map { [map.shard(of: $0)] } ?? Array(map.all)).compactMap { try? shards.readable($0) }.map {
                InputFiles(database: $0, storage: inputs, callbacks: callbacks)
            }
        },
        handOver: { call, workspace in
            let envelope = EventEnvelope(source: providerBridgeServiceName, subject: call.jobID ?? "", workspaceID: workspace, data: call)
            try await producer.send([OutgoingKafkaMessage(topic: EventType.providerWebhook.topic, key: workspace, value: try envelope.encoded())])
        },
        logger: logger)
    let listener = Application(
        router: WebhookRoutes.router(edge: edge),
        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: providerBridgeServiceName),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.httpPort
            boundPort.withLock { $0 = port }
            logger.notice("provider-bridge webhooks listening", metadata: ["port": "\(port)"])
            await onListening(port)
        },
        logger: logger)
    let announcer = ProviderAnnouncer(database: replica, bridgeID: config.instanceID, providers: Array(providers.keys),
                                      interval: config.announceInterval, logger: logger)
    // Shutdown runs in reverse: the consumer stops taking jobs first, then the announcer, the
    // listener and each shard's parts, then the replica's own relay (which still publishes the last
    // announcement) and the producer last.
    return parts.services(around: [WALCheckpointer(database: replica, logger: logger),
                                   OutboxRelay(service: providerBridgeServiceName, database: replica, producer: producer, logger: logger),
                                   owned, listener, announcer])
}

/// A predictions file (a shard of provider-bridge's, or one of the single-file layout) with every
/// migration applied. Opened this way it is not fenced: for tools and benchmarks, not for a bridge.
public func openPredictionsDatabase(path: String) throws -> ServiceDatabase {
    try ServiceDatabase(path: path) { PredictionRecord.registerMigrations(&$0) }
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
