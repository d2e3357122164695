import EventContracts
import EventRuntime
import Foundation
import GRDB
import OutboundHTTP
@testable import ProviderBridge
import ServiceLifecycle
import Signing
import Synchronization
import Testing
import TestSupport

/// Two provider-bridge replicas on the mock cluster and one data folder: a provider's signed webhook
/// that reaches the replica which does not own the job's shard is checked there, handed over on
/// `provider.webhook` and applied by the owner, once however often it comes; a forged one is
/// refused at the door and handed to no one.
@Suite("Webhook handover between bridge replicas", .timeLimit(.minutes(3)))
struct WebhookHandoverTests {
    static let workspace = "ws-handover"
    static let job = "job-handover"

    @Test("a webhook at the non-owner is handed over and ends the job once; a repeat changes nothing; a forged one is refused with 401")
    func handedOver() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secret = StandardWebhookSignature.generateSecret()
        let ports = Mutex<[String: Int]>([:])
        func replica(_ id: String) throws -> ServiceGroup {
            let common = CommonConfiguration(kafkaBrokers: cluster.bootstrapServers, dataDirectory: directory.url,
                                             consumers: KafkaConsumerSettings(sessionTimeoutMilliseconds: 3000, fetchWaitMilliseconds: 10),
                                             replicaID: id, shards: ShardMap(count: 3))
            let config = try ProviderBridgeConfiguration(
                common: common, providers: ProviderSettings(replicateToken: "r8_test", replicateWebhookSecret: secret,
                                                            baseURLs: ["replicate": URL(string: "http://127.0.0.1:9")!]),
                reconcileAfter: .seconds(86_400), instanceID: "bridge-\(id)")
            return ServiceGroup(configuration: .init(
                services: try buildProviderBridgeServices(config: config, onListening: { port in ports.withLock { $0[id] = port } }),
                logger: testLogger))
        }
        let shard = ShardMap(count: 3).shard(of: Self.workspace)
        let shardFile = ShardSet.path(in: directory.url.appendingPathComponent(providerBridgeServiceName), shard: shard, of: 3)

        try await withThrowingTaskGroup(of: Void.self) { replicas in
            let a = try replica("a")
            replicas.addTask { try await a.run() }
            _ = try await eventually("replica a to take the job's shard") { ShardSet.owners(in: shardFile.deletingLastPathComponent()).count == 3 && ShardSet.owners(in: shardFile.deletingLastPathComponent())[shard] == "a" ? true : nil }
            // The job, submitted at Replicate and waiting for its webhook, as the scheduler leaves it.
            try Self.seedSubmittedJob(in: shardFile)
            let b = try replica("b")
            replicas.addTask { try await b.run() }
            // Both replicas hold shards now; the webhook goes to the one that does not hold the job's.
            let owner = try await eventually("the group to settle on two members") { () -> String? in
                let owners = ShardSet.owners(in: shardFile.deletingLastPathComponent()).map { $0 ?? "" }
                guard owners.count == 3, Set(owners) == ["a", "b"], ports.withLock({ $0.count }) == 2 else { return nil }
                return owners[shard]
            }
            let other = owner == "a" ? "b" : "a"
            let url = URL(string: "http://127.0.0.1:\(ports.withLock { $0[other]! })/webhooks/replicate?job=\(Self.job)&workspace=\(Self.workspace)")!
            let body = Data(#"{"id":"p-handover","status":"succeeded","output":"https://replicate.delivery/out.mp4","error":null}"#.utf8)
            let timestamp = Int64(Date().timeIntervalSince1970)
            let signer = StandardWebhookSignature(secret: secret)!
            func post(id: String, signature: String) async throws -> (Int, String) {
                let answer = try await ServiceHTTPClient().send("POST", url, headers: [
                    ("webhook-id", id), ("webhook-timestamp", "\(timestamp)"), ("webhook-signature", signature)], body: Array(body))
                return (answer.status, String(decoding: answer.body, as: UTF8.self))
            }

            let forged = try await post(id: "msg-forged", signature: "v1,\(Data(repeating: 1, count: 32).base64EncodedString())")
            #expect(forged.0 == 401, "\(forged)")
            let signature = signer.signature(id: "msg-1", timestamp: timestamp, body: Array(body))
            let first = try await post(id: "msg-1", signature: signature)
            #expect(first.0 == 202 && first.1.contains("HANDED_OVER"), "\(first)")
            let again = try await post(id: "msg-1", signature: signature)
            #expect(again.0 == 202, "\(again)")

            _ = try await eventually("the owner to end the job") {
                try DatabaseQueue(path: shardFile.path).read { db in
                    try String.fetchOne(db, sql: "SELECT status FROM predictions WHERE job_id = ?", arguments: [Self.job])
                } == "succeeded" ? true : nil
            }
            let generated = try await Self.events(.videoGenerated, of: Self.job, cluster: cluster)
            #expect(Set(generated.map(\.id)).count == 1, "\(generated)")
            let handedOver = try await Self.events(.providerWebhook, of: Self.job, cluster: cluster)
            // The forged one went nowhere; both signed ones were handed over, and the receipt made the second a no-op.
            #expect(handedOver.count == 2)
            let receipts = try await DatabaseQueue(path: shardFile.path).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_receipts") }
            #expect(receipts == 1)

            await a.triggerGracefulShutdown()
            await b.triggerGracefulShutdown()
            try await replicas.waitForAll()
        }
    }

    /// A Replicate job submitted as prediction `p-handover`, written into the shard's file from
    /// outside (a connection of the test's own is not fenced).
    static func seedSubmittedJob(in file: URL) throws {
        let database = try openPredictionsDatabase(path: file.path)
        let routed = VideoRouted(
            request: VideoJobSpec(jobID: job, workspaceID: workspace, videoType: nil, model: "wan2.1-i2v-720p", cameraMotion: nil, prompt: "p",
                                  style: nil, aspectRatio: .landscape, durationSeconds: 5),
            inputImageKeys: [], modelID: "wan2.1-i2v-720p", provider: "replicate", credits: 1)
        let now = Date()
        try database.pool.write { db in
            try PredictionRecord(jobID: job, workspaceID: workspace, provider: "replicate", modelID: "wan2.1-i2v-720p", predictionID: "p-handover",
                                 status: .submitted, routed: try EventCoding.encoder.encode(routed), outputURL: nil, errorCode: nil, errorMessage: nil,
                                 createdAt: now, updatedAt: now, nextCheckAt: now.addingTimeInterval(3600),
                                 deadlineAt: now.addingTimeInterval(7200)).insert(db)
        }
    }

    /// The events of `type` about `job` on Kafka, read from the start.
    static func events(_ type: EventType, of job: String, cluster: KafkaMockCluster) async throws -> [EventHeader] {
        let consumer = try KafkaConsumer(brokers: cluster.bootstrapServers, groupID: "handover-\(type.rawValue)-\(UUID().uuidString)",
                                         clientID: "handover-test", topics: [type.topic])
        var headers: [EventHeader] = []
        // Read until two polls in a row bring nothing after the first event.
        var quiet = 0
        _ = try await eventually("\(type.rawValue) of \(job)") { () -> Bool? in
            let messages = await consumer.poll(maximum: 500, timeoutMilliseconds: 200).messages
            headers += try messages.map { try EventHeader.decode($0.value) }.filter { $0.subject == job }
            quiet = messages.isEmpty ? quiet + 1 : 0
            return !headers.isEmpty && quiet >= 2 ? true : nil
        }
        await consumer.close()
        return headers
    }
}
