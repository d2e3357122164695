import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird
import Logging
import ObjectStorage
import OutboundHTTP
@testable import StorageUploader
import Synchronization
import Testing
import TestSupport

/// storage-uploader's handler end to end but for Kafka: real SQLite inbox and outbox, provider
/// outputs served over loopback HTTP, and moto's S3 server as the bucket.
@Suite("storage-uploader: download, check, upload to S3", .serialized)
struct UploadHandlerTests {
    /// Watches a real store: counts the writes it reports, so that a test can see "nothing uploaded twice".
    final class CountingStore: VideoStore, @unchecked Sendable {
        let inner: any VideoStore
        private let counts = Mutex((calls: 0, writes: 0))

        init(_ inner: any VideoStore) { self.inner = inner }

        var writes: Int { counts.withLock { $0.writes } }
        var calls: Int { counts.withLock { $0.calls } }

        func store(file: URL, key: String, contentType: String, bytes: Int64, sha256: String) async throws(VideoStoreError) -> Bool {
            let written = try await inner.store(file: file, key: key, contentType: contentType, bytes: bytes, sha256: sha256)
            counts.withLock {
                $0.calls += 1
                if written { $0.writes += 1 }
            }
            return written
        }

        func announcedURL(for key: String) -> String { inner.announcedURL(for: key) }
    }

    struct Fixture {
        let directory: URL
        let database: ServiceDatabase
        let client: S3Client
        let store: CountingStore
        let handler: UploadHandler
        let port: Int

        func event(job: String, output: String, poster: String? = nil, id: String = UUID().uuidString, prefix: String? = nil) throws -> IncomingEvent {
            let envelope = EventEnvelope(id: id, source: "provider-bridge", subject: job, workspaceID: "acme",
                                         data: VideoGenerated(provider: "sim", predictionID: "p-\(job)",
                                                              outputURL: "http://127.0.0.1:\(port)/\(output)", destinationPrefix: prefix,
                                                              posterURL: poster.map { "http://127.0.0.1:\(port)/\($0)" }))
            return try IncomingEvent(bytes: try envelope.encoded(), database: database)
        }

        /// The events storage-uploader queued, as (topic, decoded JSON data).
        func announced() async throws -> [(topic: String, data: [String: Any])] {
            let rows = try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT topic, payload FROM outbox ORDER BY sequence").map { row -> (String, Data) in
                    (row["topic"], row["payload"])
                }
            }
            return try rows.map { topic, payload in
                let envelope = try JSONSerialization.jsonObject(with: payload) as? [String: Any] ?? [:]
                return (topic, envelope["data"] as? [String: Any] ?? [:])
            }
        }
    }

    /// A two-second H.264 MP4 and a JPEG poster made by ffmpeg, served with the outputs a provider
    /// can misbehave with; moto as the bucket.
    func withFixture(_ body: @escaping @Sendable (Fixture) async throws -> Void) async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let directory = temporary.url
        let video = directory.appendingPathComponent("video.mp4")
        let poster = directory.appendingPathComponent("poster.jpg")
        #expect(try runTool("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=24",
                                        "-pix_fmt", "yuv420p", "-movflags", "+faststart", video.path]).status == 0)
        #expect(try runTool("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", poster.path]).status == 0)
        let videoBytes = try Data(contentsOf: video)
        let posterBytes = try Data(contentsOf: poster)
        let flakyCalls = Atomic<Int>(0)

        let router = Router()
        router.get("/video.mp4") { _, _ in Response(status: .ok, headers: [.contentType: "video/mp4"], body: .init(byteBuffer: ByteBuffer(data: videoBytes))) }
        router.get("/poster.jpg") { _, _ in Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(data: posterBytes))) }
        router.get("/expired.mp4") { _, _ in Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"))) }
        router.get("/garbage.mp4") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: String(repeating: "not a video ", count: 1000)))) }
        router.get("/ftyp-garbage.mp4") { _, _ in
            var bytes: [UInt8] = [0, 0, 0, 24] + Array("ftypisom".utf8) + [UInt8](repeating: 0, count: 12)
            bytes += [UInt8](repeating: 0x5A, count: 50_000)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/flaky.mp4") { _, _ in
            if flakyCalls.add(1, ordering: .relaxed).newValue == 1 { return Response(status: .serviceUnavailable) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(data: videoBytes)))
        }
        try await withLoopbackServer(router) { port in
            let moto = try await MotoServer.start()
            do {
                let settings = moto.settings(bucket: "videos")
                let client = S3Client(settings: settings)
                try await client.createBucket()
                let common = CommonConfiguration(kafkaBrokers: "unused:9092", dataDirectory: directory, storage: .s3(settings))
                let config = StorageUploaderConfiguration(common: common, fetchAllowed: [IPRange("127.0.0.0/8")!],
                                                          downloadAttempts: 3, retryBaseDelay: .milliseconds(10))
                let real = buildUploadHandler(config: config, logger: testLogger)
                let store = CountingStore(real.store)
                let handler = UploadHandler(downloader: real.downloader, probe: real.probe, conformer: real.conformer, posterFrame: real.posterFrame, store: store, logger: testLogger)
                let database = try ServiceDatabase(path: directory.appendingPathComponent("uploader.sqlite").path) { _ in }
                try await body(Fixture(directory: directory, database: database, client: client, store: store, handler: handler, port: port))
                await moto.stop()
            } catch {
                await moto.stop()
                throw error
            }
        }
    }

    @Test("a provider's output is streamed, checked, uploaded with its poster, and announced with URL, size, duration and SHA-256")
    func storesVideo() async throws {
        try await withFixture { fixture in
            try await fixture.handler.handle(try fixture.event(job: "job-1", output: "video.mp4", poster: "poster.jpg", prefix: "acme/launch"))
            let events = try await fixture.announced()
            #expect(events.map(\.topic) == ["video.stored"])
            let stored = try #require(events.first?.data)
            #expect(stored["video_key"] as? String == "acme/launch/generation-videos/job-1.mp4")
            #expect(stored["poster_key"] as? String == "acme/launch/generation-videos/job-1.jpg")
            let duration = try #require(stored["duration_seconds"] as? Double)
            #expect(abs(duration - 2) < 0.2)
            let head = try #require(try await fixture.client.headObject("acme/launch/generation-videos/job-1.mp4"))
            #expect(head.bytes == stored["bytes"] as? Int64 ?? (stored["bytes"] as? Int).map(Int64.init))
            #expect(head.metadata["sha256"] == stored["sha256"] as? String)
            #expect(head.contentType == "video/mp4")
            #expect(try await fixture.client.headObject("acme/launch/generation-videos/job-1.jpg")?.contentType == "image/jpeg")

            // The announced URL is a presigned GET that really serves the video.
            let url = try #require((stored["url"] as? String).flatMap(URL.init(string:)))
            #expect(url.query?.contains("X-Amz-Signature=") == true)
            let fetched = fixture.directory.appendingPathComponent("fetched.mp4")
            _ = try await OutboundFetcher(policy: OutboundAddressPolicy(allowed: [IPRange("127.0.0.0/8")!]), maximumBytes: 1 << 30)
                .download(url, to: fetched)
            #expect(FileDigest.sha256(path: fetched.path)?.hexEncoded == stored["sha256"] as? String)
            #expect(try ProbedVideo(fetched).codec == "h264")
        }
    }

    @Test("an output without a poster gets its first frame as one, a JPEG stored beside the video")
    func posterFromFirstFrame() async throws {
        try await withFixture { fixture in
            try await fixture.handler.handle(try fixture.event(job: "job-7", output: "video.mp4"))
            let stored = try #require(try await fixture.announced().first?.data)
            #expect(stored["poster_key"] as? String == "generation-videos/job-7.jpg", "\(stored)")
            let head = try #require(try await fixture.client.headObject("generation-videos/job-7.jpg"))
            #expect(head.contentType == "image/jpeg" && head.bytes > 1000, "\(head)")
        }
    }

    @Test("a redelivered event does nothing; the same job announced again under a new event id uploads nothing twice")
    func nothingTwice() async throws {
        try await withFixture { fixture in
            let event = try fixture.event(job: "job-2", output: "video.mp4", id: "evt-1")
            try await fixture.handler.handle(event)
            try await fixture.handler.handle(try fixture.event(job: "job-2", output: "video.mp4", id: "evt-1"))
            #expect(try await fixture.announced().count == 1)
            // The video and its first-frame poster.
            #expect(fixture.store.writes == 2)
            // As after a crash between the upload and the commit: the bytes are there, so no upload.
            try await fixture.handler.handle(try fixture.event(job: "job-2", output: "video.mp4", id: "evt-2"))
            #expect(fixture.store.calls == 4)
            #expect(fixture.store.writes == 2)
            #expect(try await fixture.announced().map(\.topic) == ["video.stored", "video.stored"])
        }
    }

    @Test("an expired output URL fails the job with OUTPUT_UNAVAILABLE and stores nothing")
    func expiredOutput() async throws {
        try await withFixture { fixture in
            try await fixture.handler.handle(try fixture.event(job: "job-3", output: "expired.mp4"))
            let events = try await fixture.announced()
            #expect(events.map(\.topic) == ["video.failed"])
            #expect(events.first?.data["code"] as? String == "OUTPUT_UNAVAILABLE")
            #expect(fixture.store.calls == 0)
            #expect(try await fixture.client.headObject("generation-videos/job-3.mp4") == nil)
        }
    }

    @Test("garbage, and an ftyp box followed by garbage, fail the job with OUTPUT_INVALID")
    func invalidOutput() async throws {
        try await withFixture { fixture in
            try await fixture.handler.handle(try fixture.event(job: "job-4", output: "garbage.mp4"))
            try await fixture.handler.handle(try fixture.event(job: "job-5", output: "ftyp-garbage.mp4"))
            let events = try await fixture.announced()
            #expect(events.map(\.topic) == ["video.failed", "video.failed"])
            #expect(events.map { $0.data["code"] as? String } == ["OUTPUT_INVALID", "OUTPUT_INVALID"])
            #expect(fixture.store.calls == 0)
        }
    }

    @Test("a download that fails with a 503 is tried again and the video is stored")
    func retriedDownload() async throws {
        try await withFixture { fixture in
            try await fixture.handler.handle(try fixture.event(job: "job-6", output: "flaky.mp4"))
            #expect(try await fixture.announced().map(\.topic) == ["video.stored"])
        }
    }

    @Test("with the bucket unreachable the event fails for a retry: nothing announced, nothing marked processed")
    func storageDownIsRetried() async throws {
        try await withFixture { fixture in
            let unreachable = S3Settings(endpoint: URL(string: "http://127.0.0.1:9")!, bucket: "videos",
                                         credentials: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"), attempts: 1)
            let handler = UploadHandler(downloader: fixture.handler.downloader, probe: fixture.handler.probe, conformer: fixture.handler.conformer, posterFrame: fixture.handler.posterFrame,
                                        store: S3VideoStore(uploader: S3Uploader(client: S3Client(settings: unreachable))), logger: testLogger)
            let event = try fixture.event(job: "job-7", output: "video.mp4")
            await #expect(throws: VideoStoreError.self) { try await handler.handle(event) }
            #expect(try await fixture.announced().isEmpty)
            #expect(try await !event.inbox.isProcessed())
            // Storage back: the same event now goes through.
            try await fixture.handler.handle(event)
            #expect(try await fixture.announced().map(\.topic) == ["video.stored"])
        }
    }
}
