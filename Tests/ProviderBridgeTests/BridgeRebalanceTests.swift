import EventContracts
import EventRuntime
import Foundation
import GRDB
import LocalRender
@testable import ProviderBridge
import Testing
import TestSupport

/// provider-bridge's shards moving between two replicas mid-stream (`RebalanceScenario`): replica A
/// takes a first wave of debited jobs for the local renderer, recording each prediction with its
/// `video.submitted` but publishing nothing; B, the whole service, joins while more jobs and
/// redeliveries arrive, and A leaves. Each job is submitted once (one prediction, one
/// `video.submitted`, A's published by B as A wrote them), and A is fenced.
@Suite("provider-bridge rebalance", .timeLimit(.minutes(3)))
struct BridgeRebalanceTests {
    static let workspaces = (0..<6).map { "ws-bridge-\($0)" }

    static func config(_ common: CommonConfiguration) throws -> ProviderBridgeConfiguration {
        try ProviderBridgeConfiguration(common: common, reconcileAfter: .seconds(86_400), instanceID: "bridge-\(common.replicaID)")
    }

    @Test("a shard handed from A to B mid-stream, A's submissions committed but unpublished: one submission per job, published as A wrote it, A fenced")
    func handover() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jobs = (0..<40).map { (job: "job-\($0)", workspace: Self.workspaces[$0 % Self.workspaces.count]) }
        func debited(_ job: String, _ workspace: String) throws -> OutgoingKafkaMessage {
            let spec = VideoJobSpec(jobID: job, workspaceID: workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                    prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 1)
            let routed = VideoRouted(request: spec, inputImageKeys: [], modelID: "local-camera-motion", provider: LocalRenderer.providerName, credits: 1)
            let envelope = EventEnvelope(source: "billing", subject: job, workspaceID: workspace,
                                         data: CreditsDebited(routed: routed, ledgerEntryID: "le-\(job)", balanceAfter: 10, ledgerSequence: 1))
            return OutgoingKafkaMessage(topic: EventType.creditsDebited.topic, key: workspace, value: try envelope.encoded())
        }
        let messages = try jobs.map { try debited($0.job, $0.workspace) }
        let settings = try Self.config(RebalanceScenario.common("a", cluster: cluster, directory: directory))
        let rules = SchedulingRules(catalog: settings.catalog, defaultTimeLimit: settings.defaultTimeLimit, reconcileAfter: settings.reconcileAfter,
                                    pollInterval: settings.pollInterval, submitAttempts: settings.submitAttempts, retryBaseDelay: settings.retryBaseDelay)
        let handler = SubmissionHandler(channels: [LocalRenderer.providerName: .inProcess], rules: rules, logger: testLogger)
        let scenario = RebalanceScenario(
            service: providerBridgeServiceName, outputTopics: [EventType.videoSubmitted.topic],
            migrations: { PredictionRecord.registerMigrations(&$0) }, handler: handler,
            replicaB: { common in try buildProviderBridgeServices(config: try Self.config(common)) })
        let outcome = try await scenario.run(firstWave: Array(messages.prefix(20)), secondWave: Array(messages.suffix(20)),
                                             subjects: Set(jobs.map(\.job)), cluster: cluster, directory: directory)

        #expect(outcome.committedByA.count == 20)
        outcome.expectOneOutcomeEach(jobs.map(\.job)) { _ in .videoSubmitted }
        let folder = directory.url.appendingPathComponent(providerBridgeServiceName)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM predictions", in: folder) == jobs.count)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM inbox WHERE event_type = 'credits.debited'", in: folder) == jobs.count)

        // A, left with its handle on a shard, can no longer write into it.
        let (shard, stale) = try #require(outcome.takenByA.first)
        let workspace = try #require(Self.workspaces.first { ShardMap(count: 3).shard(of: $0) == shard })
        let late = try debited("job-late", workspace)
        let error = await #expect(throws: (any Error).self) { try await handler.handle(try IncomingEvent(bytes: late.value, database: stale)) }
        #expect(error.map(ShardOwnership.isFenced) == true, "\(String(describing: error))")
    }
}
