import APIIngress
import ArgumentParser
import Billing
import EventContracts
import EventRuntime
import Foundation
import Logging
import ModelCatalog
import ModelRouter
import ObjectStorage
import OutboundHTTP
import ProviderBridge
import ProviderSim
import ServiceLifecycle
import ServiceSettings
import Signing
import StorageUploader

/// `roomreel dev`: all five services in one process against an embedded librdkafka mock cluster,
/// with SQLite files and local-disk storage under one data folder.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run all five services in one process against an embedded Kafka mock cluster."
    )

    static let devWorkspace = "dev"
    static let devCredits: Int64 = 1000

    @Option(help: "HTTP port of the API.")
    var port: Int = 8080

    @Option(help: "Folder for SQLite files, renders and storage.")
    var dataDir: String = "./data"

    @Option(help: "Submit this photo as a zoom_in camera-motion job once ready, and print where its video is.")
    var submitSample: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "notice"

    @Option(help: "Remote providers: 'env' (credentials from the environment) or 'sim' (every remote model through an embedded provider-sim, no keys needed).")
    var providers: String = "env"

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        // Before anything starts: a taken port is one line, not a cascade of cancelled services.
        try ListeningPort.ensureAvailable(host: "127.0.0.1", port: port, setting: "--port (PORT=… with make run)")
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let shards = ShardMap(count: 3)
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: shards.count)
        // Local disk unless STORAGE_BACKEND=s3 and the S3_* settings say otherwise.
        let storage = try StorageConfiguration.fromEnvironment(EnvironmentReader())
        let common = CommonConfiguration(kafkaBrokers: cluster.bootstrapServers, dataDirectory: dataDirectory, logLevel: level, storage: storage,
                                         shards: shards)
        let apiKey = try Self.devSecret("dev-api-key", prefix: "rr_dev_", in: dataDirectory)
        let adminToken = try Self.devSecret("dev-admin-token", prefix: "rr_admin_", in: dataDirectory)

        guard providers == "env" || providers == "sim" else { throw ValidationError("--providers must be 'env' or 'sim'") }
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        // The providers provider-bridge has credentials for (from the environment, or the simulator's)
        // are the ones it announces, and so the ones offered; without any, jobs fall back to the
        // local renderer's models where they can.
        let routing = try RoutingConfiguration.fromEnvironment(EnvironmentReader())
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: MockClusterService(cluster: cluster))]
        var bridgeProviders = try ProviderSettings.fromEnvironment(EnvironmentReader())
        var uploadFetchAllowed: [IPRange] = []
        if providers == "sim" {
            let port = try FreePort.pick()
            let secret = StandardWebhookSignature.generateSecret()
            let simulator = ProviderSimulator(configuration: .init(port: port, webhookSecret: secret,
                                                                   workDirectory: dataDirectory.appendingPathComponent("provider-sim")),
                                              logger: common.logger(service: "provider-sim"))
            services.append(.init(service: simulator))
            bridgeProviders = .simulator(at: URL(string: "http://127.0.0.1:\(port)")!, webhookSecret: secret)
            // The simulator's outputs are on loopback, which storage-uploader refuses otherwise.
            uploadFetchAllowed = [IPRange("127.0.0.1/32")!]
            Console.say("Remote providers: provider-sim on http://127.0.0.1:\(port) (try \"model\": \"veo-2\" or \"kling-v3.0\")")
        }
        // api-ingress's own settings (INGRESS_JWT_SECRET, INGRESS_FETCH_ALLOW, INGRESS_PUBLIC_URL, …) are
        // honoured as by the separate service; the cluster, data folder, port and dev keys are dev mode's.
        var ingress = try IngressConfiguration.fromEnvironment(EnvironmentReader(), common: common, routing: routing)
        ingress.port = port
        ingress.bootstrapAPIKeys = [(workspaceID: Self.devWorkspace, key: apiKey)] + ingress.bootstrapAPIKeys
        ingress.adminToken = ingress.adminToken ?? adminToken
        ingress.playground = PlaygroundAccess(workspaceID: Self.devWorkspace, apiKey: apiKey)
        ingress.portSetting = "--port (PORT=… with make run)"
        let (listening, listeningContinuation) = AsyncStream<Int>.makeStream()
        ingress.onServerRunning = { boundPort in
            listeningContinuation.yield(boundPort)
            listeningContinuation.finish()
        }
        let shardedServices = [apiIngressServiceName, modelRouterServiceName, billingServiceName, providerBridgeServiceName, storageUploaderServiceName]
        let readiness = DevReadiness(listening: listening,
                                     shardsTaken: { shardedServices.allSatisfy { ShardSet.allTaken(in: dataDirectory.appendingPathComponent($0), count: shards.count) } },
                                     providers: bridgeProviders.configuredProviders, apiKey: apiKey,
                                     adminToken: ingress.adminToken ?? adminToken, ready: readyContinuation)

        let workers: [any Service] =
            try buildModelRouterServices(config: .init(common: common, routing: routing))
            + buildBillingServices(config: .init(common: common, bootstrapGrants: [(Self.devWorkspace, Self.devCredits)]))
            + buildProviderBridgeServices(config: try .init(common: common, providers: bridgeProviders))
            + buildStorageUploaderServices(config: .init(common: common, fetchAllowed: uploadFetchAllowed))
        services += workers.map { .init(service: $0) }
        services.append(.init(service: try buildApplication(config: ingress)))
        services.append(.init(service: readiness, successTerminationBehavior: .ignore))
        if let submitSample {
            let sample = SampleSubmission(
                photo: URL(fileURLWithPath: submitSample), apiKey: apiKey, workspaceID: Self.devWorkspace,
                storageDirectory: { if case .local = storage { common.storageDirectory } else { nil } }(), ready: ready)
            services.append(.init(service: sample, successTerminationBehavior: .ignore, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: common.logger(service: "dev")))
        try await group.run()
    }

    /// A dev secret (the workspace's API key, the admin token): made once per data folder and kept
    /// there, so restarts keep it.
    static func devSecret(_ name: String, prefix: String, in dataDirectory: URL) throws -> String {
        let file = dataDirectory.appendingPathComponent(name)
        if let existing = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty {
            return existing
        }
        var generator = SystemRandomNumberGenerator()
        let secret = prefix + (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexEncoded
        try secret.write(to: file, atomically: true, encoding: .utf8)
        return secret
    }
}
