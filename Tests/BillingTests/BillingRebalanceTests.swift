@testable import Billing
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import Testing
import TestSupport

/// Billing's shards moving between two replicas mid-stream (`RebalanceScenario`): replica A debits a
/// first wave without publishing, B joins while more jobs and redeliveries arrive, A leaves. Each job
/// has one outcome, the one a single ledger would give it; A's committed outcomes reach Kafka as A
/// wrote them, published by B; the ledger holds one debit per debited job and verifies; A is fenced.
@Suite("Billing rebalance", .timeLimit(.minutes(3)))
struct BillingRebalanceTests {
    static let workspaces = (0..<6).map { "ws-rebalance-\($0)" }
    static let grant: Int64 = 20

    /// A routed job of `credits` for `workspace`, as model-router publishes it.
    static func routed(job: String, workspace: String, credits: Int64) throws -> OutgoingKafkaMessage {
        let spec = VideoJobSpec(jobID: job, workspaceID: workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
        let envelope = EventEnvelope(source: "model-router", subject: job, workspaceID: workspace,
                                     data: VideoRouted(request: spec, inputImageKeys: [], modelID: "m", provider: "local", credits: credits))
        return OutgoingKafkaMessage(topic: EventType.videoRouted.topic, key: workspace, value: try envelope.encoded())
    }

    /// Whether each job is debited, judged as one ledger would: in each workspace's order.
    static func expectedOutcomes(_ jobs: [(job: String, workspace: String, credits: Int64)]) -> [String: EventType] {
        var balances = Dictionary(uniqueKeysWithValues: workspaces.map { ($0, grant) })
        var outcomes: [String: EventType] = [:]
        for job in jobs {
            if balances[job.workspace]! >= job.credits {
                balances[job.workspace]! -= job.credits
                outcomes[job.job] = .creditsDebited
            } else {
                outcomes[job.job] = .creditsRejected
            }
        }
        return outcomes
    }

    @Test("a shard handed from A to B mid-stream, A's debits committed but unpublished: one outcome per job, published as A wrote it, A fenced")
    func handover() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let grants = Self.workspaces.map { (workspaceID: $0, credits: Self.grant) }
        var generator = SeededGenerator(state: 24)
        let jobs = (0..<120).map { index in
            (job: "job-\(index)", workspace: Self.workspaces.randomElement(using: &generator)!, credits: Int64.random(in: 1...2, using: &generator))
        }
        let expected = Self.expectedOutcomes(jobs)
        #expect(expected.values.contains(EventType.creditsRejected) && expected.values.contains(EventType.creditsDebited))
        let map = ShardMap(count: 3)
        let handler = EventHandlers([DebitHandler(faults: FaultPoints(), logger: testLogger), GrantHandler(logger: testLogger)])
        let scenario = RebalanceScenario(
            service: billingServiceName, outputTopics: [EventType.creditsDebited.topic, EventType.creditsRejected.topic],
            migrations: registerBillingMigrations,
            onTake: { shard, database in try applyBootstrapGrants(grants.filter { map.shard(of: $0.workspaceID) == shard }, in: database) },
            handler: handler,
            replicaB: { common in try buildBillingServices(config: BillingConfiguration(common: common, bootstrapGrants: grants)) })
        let messages = try jobs.map { try Self.routed(job: $0.job, workspace: $0.workspace, credits: $0.credits) }
        let outcome = try await scenario.run(firstWave: Array(messages.prefix(60)), secondWave: Array(messages.suffix(60)),
                                             subjects: Set(jobs.map(\.job)), cluster: cluster, directory: directory)

        #expect(outcome.committedByA.count == 60)
        outcome.expectOneOutcomeEach(jobs.map(\.job)) { expected[$0] }

        // The ledger: one debit per debited job, nothing twice, every chain intact, no balance below 0.
        let folder = directory.url.appendingPathComponent(billingServiceName)
        let debited = expected.filter { $0.value == .creditsDebited }.count
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'", in: folder) == debited)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM inbox WHERE event_type = 'video.routed'", in: folder) == jobs.count)
        for file in ledgerFiles(dataDirectory: directory.url) {
            #expect(try verifyLedger(path: file.path).problems.isEmpty)
        }
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM grant_buckets WHERE remaining < 0", in: folder) == 0)

        // A, left with its handle on a shard, can no longer write into it.
        let (shard, stale) = try #require(outcome.takenByA.first)
        let workspace = try #require(Self.workspaces.first { map.shard(of: $0) == shard })
        let late = try IncomingEvent(bytes: Self.routed(job: "job-late", workspace: workspace, credits: 1).value, database: stale)
        let error = await #expect(throws: (any Error).self) { try await handler.handle(batch: [late], database: stale) }
        #expect(error.map(ShardOwnership.isFenced) == true)
    }
}
