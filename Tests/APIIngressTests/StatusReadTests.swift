@testable import APIIngress
import EventRuntime
import Foundation
import GRDB
import ObjectStorage
import Testing
import TestSupport

@Suite("Status polls: the hand-written job body and the cache of recent jobs")
struct StatusReadTests {
    static func job(id: String = "job-1", status: JobRecord.Status = .queued, duration: Double = 5) -> JobRecord {
        let now = Date(timeIntervalSince1970: 1_795_000_000.123)
        return JobRecord(id: id, workspaceID: "ws-a", status: status, stage: .requested, videoType: "camera_motion", cameraMotion: "zoom_in",
                         model: nil, quotedCredits: 2, creditsDebited: nil, durationSeconds: duration, generatedSeconds: nil,
                         requestedModel: nil, routingReason: nil, aspectRatio: "16:9", prompt: nil,
                         provider: nil, predictionID: nil, videoKey: nil, videoBytes: nil, posterKey: nil,
                         videoWidth: nil, videoHeight: nil, videoDurationSeconds: nil, errorCode: nil,
                         errorMessage: nil, errorDetails: nil, webhookURL: nil, api: "roomreel", createdAt: now, updatedAt: now.addingTimeInterval(61.5))
    }

    static let links = VideoLinks(storage: .local)

    static var variedJobs: [(JobRecord, Int?)] {
        var finished = job(id: "job-2", status: .completed, duration: 2.5)
        finished.stage = .stored
        finished.model = "kling-v3.0"
        finished.provider = "kling"
        finished.predictionID = "pred/\"quoted\"\\back"
        finished.creditsDebited = 7
        finished.videoKey = "team/ü/generation-videos/job-2.mp4"
        finished.posterKey = "generation-videos/job-2.jpg"
        finished.videoBytes = 1_234_567
        finished.generatedSeconds = 5
        finished.requestedModel = "kling-v3.0"
        finished.videoWidth = 1280
        finished.videoHeight = 720
        finished.videoDurationSeconds = 2.5
        var failed = job(id: "job-3", status: .failed, duration: 7.25)
        failed.stage = .failed
        failed.errorCode = "INSUFFICIENT_CREDITS"
        failed.errorMessage = "needs 9\ncredits\t(has 1) — \u{01}"
        failed.errorDetails = #"{"required":9,"balance":1,"a":-3}"#
        var noDetails = job(id: "job-4", status: .failed, duration: 0.1)
        noDetails.errorCode = "GENERATION_TIMEOUT"
        return [(job(), nil), (job(), 40), (finished, nil), (failed, 12), (noDetails, nil), (job(id: "job-5", duration: 10), nil),
                (everyField, 3)]
    }

    /// A job with every field set (a finished video and an error both): the samples that hold the
    /// hand-written body and insert to their declarations must cover every field.
    static var everyField: JobRecord {
        var job = job(id: "job-6", status: .failed, duration: 4)
        job.stage = .failed
        job.model = "veo3"
        job.creditsDebited = 40
        job.prompt = "a \"quoted\" prompt"
        job.provider = "google"
        job.predictionID = "operations/x"
        job.videoKey = "generation-videos/job-6.mp4"
        job.videoBytes = 99
        job.posterKey = "generation-videos/job-6.jpg"
        job.inputKeys = #"["inputs/ab.jpg"]"#
        job.startedAt = job.createdAt.addingTimeInterval(1)
        job.finishedAt = job.createdAt.addingTimeInterval(30)
        job.deletedAt = job.createdAt.addingTimeInterval(40)
        job.errorCode = "OUTPUT_INVALID"
        job.errorMessage = "the stored video is 2 s long"
        job.errorDetails = #"{"seconds":2}"#
        job.webhookURL = "https://hooks.example.com/rr"
        job.generatedSeconds = 8
        job.requestedModel = "veo-3.1"
        job.routingReason = "veo-3.1 is \"unavailable\""
        job.videoWidth = 720
        job.videoHeight = 1280
        job.videoDurationSeconds = 4.033
        job.heldEvent = Data(#"{"type":"video.stored"}"#.utf8)
        job.generationProgress = 40
        return job
    }

    @Test("the job body is byte for byte what the JSON encoder writes, for every shape a job takes, one of them with every field set")
    func bodyMatchesEncoder() throws {
        let full = JobView(Self.everyField, publicBaseURL: "http://127.0.0.1:8080", videoLinks: Self.links, estimatedSeconds: 3)
        #expect(ContractParity.unsetFields(full) == [])
        for (record, estimate) in Self.variedJobs {
            let view = JobView(record, publicBaseURL: "http://127.0.0.1:8080", videoLinks: Self.links, estimatedSeconds: estimate)
            let expected = try JSONResponse.encode(view)
            #expect(String(decoding: view.json, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
    }

    /// A database with the cache watching it, as `buildRouter` sets it up.
    static func watchedDatabase(in directory: TemporaryDirectory, capacity: Int = 100) throws -> (ServiceDatabase, RecentJobs) {
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        let cache = RecentJobs(capacity: capacity)
        database.pool.add(transactionObserver: cache, extent: .databaseLifetime)
        return (database, cache)
    }

    static func rowID(of id: String, in database: ServiceDatabase) throws -> Int64 {
        try database.pool.read { db in try Int64.fetchOne(db, sql: "SELECT rowid FROM jobs WHERE id = ?", arguments: [id])! }
    }

    @Test("a commit that changes a cached job drops it; other jobs and rolled-back changes keep theirs")
    func commitsDropChangedJobs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (database, cache) = try Self.watchedDatabase(in: directory)
        try database.pool.write { db in
            try Self.job(id: "a").insert(db)
            try Self.job(id: "b").insert(db)
        }
        for id in ["a", "b"] {
            cache.remember(Self.job(id: id), rowID: try Self.rowID(of: id, in: database), readAt: cache.generation)
        }
        #expect(cache.count == 2)

        // A rolled-back update leaves both.
        try? database.pool.write { db in
            try db.execute(sql: "UPDATE jobs SET status = 'processing' WHERE id = 'a'")
            throw CancellationError()
        }
        #expect(cache.job(id: "a") != nil && cache.job(id: "b") != nil)

        // A committed update drops that job only.
        try database.pool.write { db in try db.execute(sql: "UPDATE jobs SET status = 'processing' WHERE id = 'a'") }
        #expect(cache.job(id: "a") == nil)
        #expect(cache.job(id: "b")?.status == .queued)

        // So do deletes; a write to another table changes nothing.
        try database.pool.write { db in try db.execute(sql: "DELETE FROM idempotency_keys") }
        #expect(cache.job(id: "b") != nil)
        try database.pool.write { db in try db.execute(sql: "DELETE FROM jobs WHERE id = 'b'") }
        #expect(cache.count == 0)
    }

    @Test("a read that raced a commit to jobs is not kept, so an older row never comes back")
    func racingFillRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (database, cache) = try Self.watchedDatabase(in: directory)
        try database.pool.write { db in try Self.job(id: "a").insert(db) }
        let before = cache.generation
        let stale = Self.job(id: "a")
        try database.pool.write { db in try db.execute(sql: "UPDATE jobs SET status = 'completed' WHERE id = 'a'") }
        cache.remember(stale, rowID: try Self.rowID(of: "a", in: database), readAt: before)
        #expect(cache.job(id: "a") == nil)

        cache.remember(Self.job(id: "a", status: .completed), rowID: try Self.rowID(of: "a", in: database), readAt: cache.generation)
        #expect(cache.job(id: "a")?.status == .completed)
    }

    @Test("the cache holds at most its capacity")
    func bounded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, cache) = try Self.watchedDatabase(in: directory, capacity: 3)
        for index in 0..<10 {
            cache.remember(Self.job(id: "job-\(index)"), rowID: Int64(index + 1), readAt: cache.generation)
            #expect(cache.count <= 3)
        }
        #expect(cache.job(id: "job-9") != nil)
    }
}
