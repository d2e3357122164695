@testable import APIIngress
import EventContracts
import EventRuntime
import Foundation
import GRDB
import ModelCatalog
import ObjectStorage
import ServiceSettings
import Testing
import TestSupport

/// api-ingress's shards moving between two replicas mid-stream (`RebalanceScenario`). Its requests
/// have already written 40 jobs, each with its `video.requested` in the outbox of its workspace's
/// shard. Replica A, with no relay, takes every shard and projects billing's verdict on the first 20
/// jobs; B, the whole service, joins while the verdicts on the rest and redeliveries arrive, and A
/// leaves. Every `video.requested` reaches Kafka with the id its request wrote, published by
/// B; every job ends failed with one client webhook queued; A is fenced.
@Suite("api-ingress rebalance", .timeLimit(.minutes(3)))
struct IngressRebalanceTests {
    static let workspaces = (0..<6).map { "ws-ingress-\($0)" }

    @Test("a shard handed from A to B mid-stream, the jobs' requests unpublished: each published as written, each job's webhook queued once, A fenced")
    func handover() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jobs = (0..<40).map { (job: "job-\($0)", workspace: Self.workspaces[$0 % Self.workspaces.count]) }

        // The requests, as any replica's intake writes them: the job and its event, in the workspace's file.
        let written = try IngressDatabases(common: RebalanceScenario.common("edge", cluster: cluster, directory: directory), logger: testLogger)
        var requested: [String: String] = [:]
        for job in jobs {
            var record = StatusReadTests.job(id: job.job)
            record.workspaceID = job.workspace
            record.webhookURL = "https://hooks.invalid/roomreel"
            let spec = VideoJobSpec(jobID: job.job, workspaceID: job.workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                    prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
            let event = EncodedEvent(type: .videoRequested, source: apiIngressServiceName, subject: job.job, workspaceID: job.workspace,
                                     data: VideoRequested(request: spec, inputImageKeys: []).json)
            requested[job.job] = event.id
            try await written.files.database(of: job.workspace).pool.write { [record] db in
                try record.insertNew(db)
                try Outbox.enqueue(event, in: db)
            }
        }

        let verdicts = try jobs.map { job in
            let envelope = EventEnvelope(source: "billing", subject: job.job, workspaceID: job.workspace, data: CreditsRejected(required: 2, balance: 0))
            return OutgoingKafkaMessage(topic: EventType.creditsRejected.topic, key: job.workspace, value: try envelope.encoded())
        }
        let handler = EventHandlers([
            JobProjection(logger: testLogger, completions: JobSignals(), changeSignals: JobSignals(), publicBaseURL: { "http://localhost" },
                          videoLinks: VideoLinks(storage: .local)),
            LedgerProjection(logger: testLogger),
        ])
        let routing = try RoutingConfiguration.fromEnvironment(EnvironmentReader([:]))
        let scenario = RebalanceScenario(
            service: apiIngressServiceName, outputTopics: [EventType.videoRequested.topic], migrations: registerIngressMigrations,
            handler: handler,
            replicaB: { common in [try buildApplication(config: IngressConfiguration(common: common, routing: routing, port: 0))] })
        let outcome = try await scenario.run(firstWave: Array(verdicts.prefix(20)), secondWave: Array(verdicts.suffix(20)),
                                             subjects: Set(jobs.map(\.job)), cluster: cluster, directory: directory)

        // Every request was still in an outbox when A had its wave done, and went out once, as written.
        #expect(outcome.committedByA == requested)
        for job in jobs {
            let events = outcome.published[job.job] ?? []
            // A relay restarted by a rebalance may send a row again before pruning it: the same event, which inboxes drop.
            #expect(!events.isEmpty && Set(events.map { $0.id }) == [requested[job.job]!], "\(job.job): \(events)")
        }
        let folder = directory.url.appendingPathComponent(apiIngressServiceName)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND error_code = 'INSUFFICIENT_CREDITS'", in: folder)
                == jobs.count)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM webhook_deliveries", in: folder) == jobs.count)
        #expect(try RebalanceScenario.count("SELECT COUNT(DISTINCT job_id) FROM webhook_deliveries", in: folder) == jobs.count)
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM inbox", in: folder) == jobs.count)

        // A, left with its handle on a shard, can no longer write into it; an edge still can.
        let (shard, stale) = try #require(outcome.takenByA.first)
        let late = try #require(verdicts.first { ShardMap(count: 3).shard(of: $0.key) == shard })
        let error = await #expect(throws: (any Error).self) { try await handler.handle(try IncomingEvent(bytes: late.value, database: stale)) }
        #expect(error.map(ShardOwnership.isFenced) == true, "\(String(describing: error))")
        let workspace = try #require(Self.workspaces.first { ShardMap(count: 3).shard(of: $0) == shard })
        let deleted = try await written.files.database(of: workspace).pool.write { db in
            try db.execute(sql: "UPDATE jobs SET deleted_at = ? WHERE workspace_id = ?", arguments: [Date(), workspace])
            return db.changesCount
        }
        #expect(deleted == jobs.filter { $0.workspace == workspace }.count)
    }
}
