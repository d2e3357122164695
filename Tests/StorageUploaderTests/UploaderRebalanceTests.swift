import EventContracts
import EventRuntime
import Foundation
import Logging
import OutboundHTTP
@testable import StorageUploader
import Testing
import TestSupport

/// storage-uploader's shards moving between two replicas mid-stream (`RebalanceScenario`): replica A
/// stores a first wave of rendered videos without publishing, B joins while more jobs and
/// redeliveries arrive, and A leaves. Each job gets one `video.stored`, A's reach Kafka as A wrote
/// them (published by B, not stored again), every video is in storage, and A is fenced.
@Suite("storage-uploader rebalance", .timeLimit(.minutes(8)))
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
        let poster = directory.url.appendingPathComponent("poster.jpg")
        #expect(try runTool("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=24",
                                        "-pix_fmt", "yuv420p", "-movflags", "+faststart", video.path]).status == 0)
        #expect(try runTool("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", poster.path]).status == 0)
        // The outputs as the local renderer leaves them: files, read where they are, each with its poster.
        let cluster = try KafkaMockCluster(brokers: 1, topics: EventType.allTopics, partitions: 3)
        let jobs = (0..<20).map { (job: "job-\($0)", workspace: Self.workspaces[$0 % Self.workspaces.count]) }
        func generated(_ job: String, _ workspace: String) throws -> OutgoingKafkaMessage {
            let envelope = EventEnvelope(source: "provider-bridge", subject: job, workspaceID: workspace,
                                         data: VideoGenerated(provider: "local", predictionID: "p-\(job)", outputURL: video.absoluteString,
                                                              posterURL: poster.absoluteString))
            return OutgoingKafkaMessage(topic: EventType.videoGenerated.topic, key: workspace, value: try envelope.encoded())
        }
        let messages = try jobs.map { try generated($0.job, $0.workspace) }
        let scenario = RebalanceScenario(
            service: storageUploaderServiceName, outputTopics: [EventType.videoStored.topic, EventType.videoFailed.topic],
            migrations: { _ in },
            handler: buildUploadHandler(config: Self.config(RebalanceScenario.common("a", cluster: cluster, directory: directory)), logger: testLogger),
            replicaB: { common in try buildStorageUploaderServices(config: Self.config(common)) })
        // Each event runs ffprobe, which a machine busy with the other tests' renders makes slow.
        let outcome = try await scenario.run(firstWave: Array(messages.prefix(10)), secondWave: Array(messages.suffix(10)),
                                             subjects: Set(jobs.map(\.job)), cluster: cluster, directory: directory, timeout: .seconds(300))

        #expect(outcome.committedByA.count == 10)
        outcome.expectOneOutcomeEach(jobs.map(\.job)) { _ in .videoStored }
        for job in jobs {
            let stored = directory.url.appendingPathComponent("storage/generation-videos/\(job.job).mp4")
            #expect(FileManager.default.fileExists(atPath: stored.path), "\(job.job) not in storage")
        }
        #expect(try RebalanceScenario.count("SELECT COUNT(*) FROM inbox", in: directory.url.appendingPathComponent(storageUploaderServiceName))
                == jobs.count)
        // A, left with its handle on a shard, can no longer write into it.
        let (shard, stale) = try #require(outcome.takenByA.first { shard, _ in Self.workspaces.contains { ShardMap(count: 3).shard(of: $0) == shard } })
        let workspace = try #require(Self.workspaces.first { ShardMap(count: 3).shard(of: $0) == shard })
        let late = try generated("job-late", workspace)
        let error = await #expect(throws: (any Error).self) {
            try await scenario.handler.handle(try IncomingEvent(bytes: late.value, database: stale))
        }
        #expect(error.map(ShardOwnership.isFenced) == true, "\(String(describing: error))")
    }
}

