import EventContracts
import EventRuntime
import Foundation
import GRDB
import ModelCatalog
@testable import ModelRouter
import Testing
import TestSupport

/// model-router's shards moving between two replicas mid-stream (`RebalanceScenario`): replica A
/// routes a first wave without publishing, B joins while more jobs and redeliveries arrive, A
/// leaves. Each job is decided once (routed or refused, as one router would), A's decisions reach
/// Kafka as A wrote them, published by B, and each shard holds one decision per job.
@Suite("Routing rebalance", .timeLimit(.minutes(3)))
struct RoutingRebalanceTests {
    /// A job as api-ingress publishes it: a camera move on one photo, or (every fifth) a model that
    /// does not exist, which the router refuses.
    static func requested(_ index: Int) throws -> (job: String, message: OutgoingKafkaMessage, refused: Bool) {
        let job = "job-\(index)"
        let workspace = "ws-route-\(index % 7)"
        let refused = index % 5 == 0
        let spec = VideoJobSpec(jobID: job, workspaceID: workspace, videoType: .cameraMotion, model: refused ? "no-such-model" : nil,
                                cameraMotion: .zoomIn, prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
        let envelope = EventEnvelope(source: "api-ingress", subject: job, workspaceID: workspace,
                                     data: VideoRequested(request: spec, inputImageKeys: ["inputs/\(index).jpg"]))
        return (job, OutgoingKafkaMessage(topic: EventType.videoRequested.topic, key: workspace, value: try envelope.encoded()), refused)
    }

    @Test("a shard handed from A to B mid-stream, A's decisions committed but unpublished: one decision per job, published as A wrote it")
    func handover() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The local renderer's bridge has spoken, for A here and for B through Kafka.
        let announced = ProvidersAnnounced(bridgeID: "bridge-test", providers: ["local"], validForSeconds: 3600)
        let health = ProviderHealth(announcements: ["bridge-test": .init(providers: ["local"], announcedAt: Date(),
                                                                          expiresAt: Date().addingTimeInterval(3600))])
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "announce", logger: testLogger)
        try await withRunningServices([producer]) {
            try await producer.send([OutgoingKafkaMessage(topic: EventType.providersAnnounced.topic, key: "",
                                                          value: try EventEnvelope(source: "provider-bridge", subject: "bridge-test", workspaceID: "",
                                                                                   data: announced).encoded())])
        }
        let routing = RoutingConfiguration(catalog: try ModelCatalog.bundled())
        let scenario = RebalanceScenario(
            service: modelRouterServiceName, outputTopics: [EventType.videoRouted.topic, EventType.videoFailed.topic],
            migrations: { RoutingDecisionRecord.registerMigrations(&$0) },
            handler: RoutingHandler(routing: routing, health: health, logger: testLogger),
            replicaB: { common in try buildModelRouterServices(config: ModelRouterConfiguration(common: common, routing: routing)) })
        let jobs = try (0..<120).map(Self.requested)
        let outcome = try await scenario.run(firstWave: jobs.prefix(60).map(\.message), secondWave: jobs.suffix(60).map(\.message),
                                             subjects: Set(jobs.map(\.job)), cluster: cluster, directory: directory)

        #expect(outcome.committedByA.count == 60)
        let refused = Set(jobs.filter(\.refused).map(\.job))
        outcome.expectOneOutcomeEach(jobs.map(\.job)) { refused.contains($0) ? .videoFailed : .videoRouted }
        let folder = directory.url.appendingPathComponent(modelRouterServiceName)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM routing_decisions", in: folder) == jobs.count)
    }
}
