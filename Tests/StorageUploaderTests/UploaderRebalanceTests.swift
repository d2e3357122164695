import EventContracts
import EventRuntime
import Foundation
import Hummingbird
import Logging
import OutboundHTTP
@testable import StorageUploader
import Testing
import TestSupport

/// storage-uploader's shards moving between two replicas mid-stream (`RebalanceScenario`): replica A
/// stores a first wave of generated videos without publishing, B joins while more jobs and
/// redeliveries arrive, and A leaves. Each job gets one `video.stored`, A's reach Kafka as A wrote
/// them (published by B, not stored again), every video is in storage, and A is fenced.
@Suite("storage-uploader rebalance", .timeLimit(.minutes(4)))
struct UploaderRebalanceTests {
    static let workspaces = (0..<6).map { "ws-upload-\($0)" }

    static func config(_ common: CommonConfiguration) -> StorageUploaderConfiguration {
        StorageUploaderConfiguration(common: common, fetchAllowed: [IPRange("127.0.0.0/8")!], downloadAttempts: 3, retryBaseDelay: .milliseconds(10))
    }

    @Test("a shard handed from A to B mid-stream, A's uploads committed but unpublished: one video.stored per job, published as A wrote it, A fenced")
    func handover() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let video = directory.url.appendingPathComponent("video.mp4")
        #expect(try runTool("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=24",
                                        "-pix_fmt", "yuv420p", "-movflags", "+faststart", video.path]).status == 0)
        let videoBytes = try Data(contentsOf: video)
        let router = Router()
        router.get("/outputs/:job") { _, _ in
            Response(status: .ok, headers: [.contentType: "video/mp4"], body: .init(byteBuffer: ByteBuffer(data: videoBytes)))
        }
        try await withLoopbackServer(router) { port in
            let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
            let jobs = (0..<40).map { (job: "job-\($0)", workspace: Self.workspaces[$0 % Self.workspaces.count]) }
            let messages = try jobs.map { job in
                let envelope = EventEnvelope(source: "provider-bridge", subject: job.job, workspaceID: job.workspace,
                                             data: VideoGenerated(provider: "sim", predictionID: "p-\(job.job)",
                                                                  outputURL: "http://127.0.0.1:\(port)/outputs/\(job.job)", destinationPrefix: nil,
                                                                  posterURL: nil))
                return OutgoingKafkaMessage(topic: EventType.videoGenerated.topic, key: job.workspace, value: try envelope.encoded())
            }
            let scenario = RebalanceScenario(
                service: storageUploaderServiceName, outputTopics: [EventType.videoStored.topic, EventType.videoFailed.topic],
                migrations: { _ in },
                handler: buildUploadHandler(config: Self.config(RebalanceScenario.common("a", cluster: cluster, directory: directory)), logger: testLogger),
                replicaB: { common in try buildStorageUploaderServices(config: Self.config(common)) })
            let outcome = try await scenario.run(firstWave: Array(messages.prefix(20)), secondWave: Array(messages.suffix(20)),
                                                 subjects: Set(jobs.map(\.job)), cluster: cluster, directory: directory)

            #expect(outcome.committedByA.count == 20)
            for job in jobs {
                let events = outcome.published[job.job] ?? []
                #expect(Set(events.map(\.id)).count == 1 && events.first?.type == .videoStored, "\(job.job): \(events)")
                if let fromA = outcome.committedByA[job.job] {
                    #expect(events.first?.id == fromA, "\(job.job) was stored again")
                }
                let stored = directory.url.appendingPathComponent("storage/generation-videos/\(job.job).mp4")
                #expect(FileManager.default.fileExists(atPath: stored.path), "\(job.job) not in storage")
            }
            #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM inbox", in: directory.url.appendingPathComponent(storageUploaderServiceName))
                    == jobs.count)
            // A, left with its handle on a shard, can no longer write into it.
            let (shard, stale) = try #require(outcome.takenByA.first)
            let workspace = try #require(Self.workspaces.first { ShardMap(count: 3).shard(of: $0) == shard })
            let late = EventEnvelope(source: "provider-bridge", subject: "job-late", workspaceID: workspace,
                                     data: VideoGenerated(provider: "sim", predictionID: "p-late", outputURL: "http://127.0.0.1:\(port)/outputs/job-late"))
            let error = await #expect(throws: (any Error).self) {
                try await scenario.handler.handle(try IncomingEvent(bytes: try late.encoded(), database: stale))
            }
            #expect(error.map(ShardOwnership.isFenced) == true, "\(String(describing: error))")
        }
    }
}
