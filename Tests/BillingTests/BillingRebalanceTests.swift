@testable import Billing
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// Two billing replicas in one consumer group on the mock cluster: replica A debits a first wave of
/// jobs but publishes nothing (it runs no relay: every debit it commits is still in its outbox when
/// its shards move), then B joins while a second wave and redeliveries of the first flow, and A
/// leaves. Nothing is lost or done twice: each job has one outcome, the one a single ledger would
/// give it, and A's committed outcomes reach Kafka as A wrote them, published by B.
@Suite("Billing rebalance", .timeLimit(.minutes(3)))
struct BillingRebalanceTests {
    static let workspaces = (0..<6).map { "ws-rebalance-\($0)" }
    static let grant: Int64 = 20

    static func common(_ replica: String, cluster: KafkaMockCluster, directory: TemporaryDirectory) -> CommonConfiguration {
        CommonConfiguration(kafkaBrokers: cluster.bootstrapServers, dataDirectory: directory.url,
                            consumers: KafkaConsumerSettings(sessionTimeoutMilliseconds: 3000, fetchWaitMilliseconds: 10),
                            replicaID: replica, shards: ShardMap(count: 3))
    }

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

    /// Sum of a query over every shard file of billing in `directory`.
    static func count(_ sql: String, in directory: TemporaryDirectory) throws -> Int {
        try ledgerFiles(dataDirectory: directory.url).reduce(0) { total, file in
            total + (try DatabaseQueue(path: file.path).read { db in try Int.fetchOne(db, sql: sql) ?? 0 })
        }
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
        #expect(expected.values.contains(.creditsRejected) && expected.values.contains(.creditsDebited))

        // Replica A: billing's consumer and handlers on shards of its own taking, but no relay.
        let commonA = Self.common("a", cluster: cluster, directory: directory)
        let takenByA = Mutex<[Int: ServiceDatabase]>([:])
        let shardsA = try commonA.shardSet(service: billingServiceName, logger: testLogger, migrations: registerBillingMigrations) { shard, database in
            try applyBootstrapGrants(grants.filter { commonA.shards.shard(of: $0.workspaceID) == shard }, in: database)
            takenByA.withLock { $0[shard] = database }
        }
        let handler = EventHandlers([DebitHandler(faults: FaultPoints(), logger: testLogger), GrantHandler(logger: testLogger)])
        let consumerA = try #require(try EventServiceParts(name: billingServiceName, common: commonA, shards: shardsA, handler: handler,
                                                          logger: testLogger).consumer)
        let replicaA = ServiceGroup(configuration: .init(services: [consumerA], logger: testLogger))
        let producer = try KafkaProducer(brokers: cluster.bootstrapServers, clientID: "rebalance-test", logger: testLogger)
        let firstWave = try jobs.prefix(60).map { try Self.routed(job: $0.job, workspace: $0.workspace, credits: $0.credits) }
        let secondWave = try jobs.suffix(60).map { try Self.routed(job: $0.job, workspace: $0.workspace, credits: $0.credits) }

        try await withRunningServices([producer]) {
            try await withThrowingTaskGroup(of: Void.self) { replicas in
                replicas.addTask { try await replicaA.run() }
                try await producer.send(firstWave)
                _ = try await eventually("A to commit the first wave") {
                    // A shard file appears before its migrations have run.
                    (try? Self.count("SELECT COUNT(*) FROM inbox WHERE event_type = 'video.routed'", in: directory)) == 60 ? true : nil
                }
                // What A committed and has not published: its outcome event for each job of the first wave.
                let committedByA = try ledgerFiles(dataDirectory: directory.url).reduce(into: [String: String]()) { outcomes, file in
                    let rows = try DatabaseQueue(path: file.path).read { db in
                        try Row.fetchAll(db, sql: "SELECT event_id, payload FROM outbox WHERE topic IN ('credits.debited', 'credits.rejected')")
                    }
                    for row in rows {
                        let header = try EventHeader.decode(Array(row["payload"] as Data))
                        outcomes[header.subject] = row["event_id"]
                    }
                }
                #expect(committedByA.count == 60)

                // B joins (a consumer joins its group when it is made) while the second wave and
                // redeliveries of the first arrive; then A leaves.
                let replicaB = ServiceGroup(configuration: .init(
                    services: try buildBillingServices(config: BillingConfiguration(common: Self.common("b", cluster: cluster, directory: directory),
                                                                                   bootstrapGrants: grants)),
                    logger: testLogger))
                replicas.addTask { try await replicaB.run() }
                try await producer.send(Array(firstWave.prefix(10)) + secondWave.prefix(30))
                _ = try await eventually("B to take a shard from A") { () -> Bool? in
                    (try? Self.owners(in: directory))?.contains("b") == true ? true : nil
                }
                await replicaA.triggerGracefulShutdown()
                try await producer.send(Array(secondWave.suffix(30)) + firstWave.suffix(10))
                _ = try await eventually("B to own every shard") { (try? Self.owners(in: directory)) == ["b", "b", "b"] ? true : nil }

                // Every job's outcome on Kafka: one event id per job, and A's committed ones as A wrote them.
                let outcomes = try await Self.outcomes(of: jobs.count, cluster: cluster)
                for job in jobs {
                    let events = outcomes[job.job] ?? []
                    #expect(Set(events.map(\.id)).count == 1, "\(job.job): \(events)")
                    #expect(events.first?.type == expected[job.job], "\(job.job)")
                    if let fromA = committedByA[job.job] {
                        #expect(events.first?.id == fromA, "\(job.job) was done again")
                    }
                }

                // The ledger: one debit per debited job, nothing twice, every chain intact, no balance below 0.
                let debited = expected.filter { $0.value == .creditsDebited }.count
                #expect(try Self.count("SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'", in: directory) == debited)
                #expect(try Self.count("SELECT COUNT(*) FROM inbox WHERE event_type = 'video.routed'", in: directory) == jobs.count)
                for file in ledgerFiles(dataDirectory: directory.url) {
                    #expect(try verifyLedger(path: file.path).problems.isEmpty)
                }
                #expect(try Self.count("SELECT COUNT(*) FROM grant_buckets WHERE remaining < 0", in: directory) == 0)

                // A, left with its handle on a shard, can no longer write into it.
                let (shard, stale) = try #require(takenByA.withLock { $0.first })
                let workspace = try #require(Self.workspaces.first { commonA.shards.shard(of: $0) == shard })
                let late = try IncomingEvent(bytes: Self.routed(job: "job-late", workspace: workspace, credits: 1).value, database: stale)
                let error = await #expect(throws: (any Error).self) { try await handler.handle(batch: [late], database: stale) }
                #expect(error.map(ShardOwnership.isFenced) == true)

                await replicaB.triggerGracefulShutdown()
                try await replicas.waitForAll()
            }
        }
    }

    /// The owner recorded in each of billing's shard files, in shard order.
    static func owners(in directory: TemporaryDirectory) throws -> [String] {
        try ledgerFiles(dataDirectory: directory.url).map { file in
            try DatabaseQueue(path: file.path).read { db in try String.fetchOne(db, sql: "SELECT owner FROM shard_owner") ?? "" }
        }
    }

    /// Reads credits.debited and credits.rejected from the start until `jobs` jobs have an outcome.
    static func outcomes(of jobs: Int, cluster: KafkaMockCluster) async throws -> [String: [EventHeader]] {
        let consumer = try KafkaConsumer(brokers: cluster.bootstrapServers, groupID: "rebalance-outcomes", clientID: "rebalance-outcomes",
                                         topics: [EventType.creditsDebited.topic, EventType.creditsRejected.topic])
        var outcomes: [String: [EventHeader]] = [:]
        _ = try await eventually("an outcome for each of \(jobs) jobs") { () -> Bool? in
            for message in await consumer.poll(maximum: 500, timeoutMilliseconds: 100).messages {
                let header = try EventHeader.decode(message.value)
                outcomes[header.subject, default: []].append(header)
            }
            return outcomes.count >= jobs ? true : nil
        }
        // Anything still on its way (a zombie's duplicate) is read too before judging.
        for _ in 0..<5 {
            for message in await consumer.poll(maximum: 500, timeoutMilliseconds: 100).messages {
                let header = try EventHeader.decode(message.value)
                outcomes[header.subject, default: []].append(header)
            }
        }
        await consumer.close()
        return outcomes
    }
}
