import EventContracts
import Foundation
import GRDB
import EventRuntime
import Hummingbird
import ModelCatalog
import ObjectStorage
import OutboundHTTP
@testable import ProviderBridge
import Synchronization
import LocalRender
import Testing
import TestSupport

/// The scheduler's single steps on a real SQLite file: a rate-limited create waits as long as the
/// provider asked, a job past its limit fails with `GENERATION_TIMEOUT` (the local renderer's too).
@Suite("Prediction scheduler steps")
struct SchedulerTests {
    private func scheduler(_ harness: WebhookHarness, providers: [String: any VideoProvider]) throws -> PredictionScheduler {
        let rules = SchedulingRules(catalog: try ModelCatalog.bundled(), defaultTimeLimit: .seconds(600), reconcileAfter: nil,
                                    pollInterval: .seconds(5), submitAttempts: 3, retryBaseDelay: .milliseconds(100))
        let recorder = GenerationRecorder(database: harness.database, commits: harness.commits, renders: RenderFiles(directory: harness.directoryURL),
                                          client: ServiceHTTPClient(), logger: testLogger)
        return PredictionScheduler(database: harness.database, providers: providers, rules: rules, callbacks: harness.callbacks,
                                   inputs: LocalBlobStore(root: harness.directoryURL), cropper: PhotoCropper(ffmpegPath: "ffmpeg"),
                                   workDirectory: harness.directoryURL, recorder: recorder, tick: .milliseconds(50),
                                   logger: testLogger)
    }

    private func insert(_ harness: WebhookHarness, job: String, provider: String, status: PredictionRecord.Status,
                        deadline: Date) throws -> PredictionRecord {
        let routed = VideoRouted(
            request: VideoJobSpec(jobID: job, workspaceID: "ws", videoType: nil, model: "m", cameraMotion: nil, prompt: "p", style: nil,
                                  aspectRatio: .landscape, durationSeconds: 5),
            inputImageKeys: [], modelID: "wan2.1-i2v-720p", provider: provider, credits: 1)
        let now = Date()
        let record = PredictionRecord(
            jobID: job, workspaceID: "ws", provider: provider, modelID: "wan2.1-i2v-720p",
            predictionID: status == .pending ? PredictionRecord.placeholderID(jobID: job) : "local-\(job)", status: status,
            routed: try EventCoding.encoder.encode(routed), outputURL: nil, errorCode: nil, errorMessage: nil, createdAt: now.addingTimeInterval(-700),
            updatedAt: now, nextCheckAt: now, deadlineAt: deadline)
        try harness.database.pool.write { db in try record.insert(db) }
        return record
    }

    private func row(_ harness: WebhookHarness, _ job: String) throws -> PredictionRecord? {
        try harness.database.pool.read { db in try PredictionRecord.fetchOne(db, key: job) }
    }

    @Test("a 429 on create waits the provider's Retry-After, then the job is created")
    func retryAfterHonoured() async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        let captured = CapturedRequests()
        let answers = Mutex(0)
        let router = captured.router { _ in
            let count = answers.withLock { value -> Int in value += 1; return value }
            return count == 1 ? (.tooManyRequests, [("Retry-After", "7")], #"{"detail":"throttled"}"#)
                : (.created, [], #"{"id":"p-created","status":"starting"}"#)
        }
        try await withRunningServices([harness.commits]) {
            try await withLoopbackServer(router) { port in
                let replicate = ReplicateProvider(baseURL: URL(string: "http://127.0.0.1:\(port)")!, token: "t")
                let scheduler = try scheduler(harness, providers: ["replicate": replicate])
                let pending = try insert(harness, job: "job-429", provider: "replicate", status: .pending, deadline: Date().addingTimeInterval(600))
                let before = Date()
                await scheduler.work(on: pending)
                let after = Date()
                let waiting = try #require(try row(harness, "job-429"))
                #expect(waiting.status == .pending)
                #expect(waiting.submitAttempts == 1)
                // Seven seconds from the 429's arrival, which came between `before` and `after` (bounded by
                // both rather than by a guess at the call's length, which a loaded machine stretches).
                // Rows keep whole milliseconds.
                let next = waiting.nextCheckAt ?? .distantPast
                #expect(next >= before.addingTimeInterval(7 - 0.001) && next <= after.addingTimeInterval(7 + 0.001),
                        "next attempt \(next.timeIntervalSince(before)) s after the call began, \(after.timeIntervalSince(before)) s long")
                await scheduler.work(on: waiting)
                let created = try #require(try row(harness, "job-429"))
                #expect(created.status == .submitted)
                #expect(created.predictionID == "p-created")
                #expect(try harness.state(job: "job-429").outbox == 1, "video.submitted")
            }
        }
    }

    @Test("Runway's progress is read from its task, and each rise in it goes out once as video.progress; the same again, or less, does not")
    func providerProgress() async throws {
        let running = try JSONDecoder().decode(RunwayProvider.Task.self, from: Data(#"{"id":"t","status":"RUNNING","progress":0.427}"#.utf8))
        #expect(running.progress == .running(status: "RUNNING", percent: 42))
        let pending = try JSONDecoder().decode(RunwayProvider.Task.self, from: Data(#"{"id":"t","status":"PENDING"}"#.utf8))
        #expect(pending.progress == .running(status: "PENDING", percent: nil))

        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        try await withRunningServices([harness.commits]) {
            let recorder = GenerationRecorder(database: harness.database, commits: harness.commits, renders: RenderFiles(directory: harness.directoryURL),
                                              client: ServiceHTTPClient(), logger: testLogger)
            let provider = RunwayProvider(baseURL: URL(string: "http://127.0.0.1:9")!, secret: "s")
            _ = try insert(harness, job: "job-runway", provider: "runway", status: .submitted, deadline: Date().addingTimeInterval(600))
            for percent in [40, 40, 30, 60, nil] {
                _ = try await recorder.record(.running(status: "RUNNING", percent: percent), jobID: "job-runway", provider: provider)
            }
            let published = try await harness.database.pool.read { db in
                try OutboxRecord.filter(Column("topic") == EventType.videoProgress.topic).order(Column("sequence")).fetchAll(db)
            }
            let percents = try published.map { try EventEnvelope<VideoProgress>.decode(Array($0.payload)).data.percent }
            #expect(percents == [40, 60])
            #expect(try row(harness, "job-runway")?.reportedProgress == 60)
        }
    }

    @Test("a job past its time limit fails with GENERATION_TIMEOUT, the local renderer's too")
    func timeouts() async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        try await withRunningServices([harness.commits]) {
            let scheduler = try scheduler(harness, providers: ["local": LocalProvider(),
                                                               "replicate": ReplicateProvider(baseURL: URL(string: "http://127.0.0.1:9")!, token: "t")])
            for (job, provider, status) in [("job-local", "local", PredictionRecord.Status.submitted), ("job-remote", "replicate", .pending)] {
                let overdue = try insert(harness, job: job, provider: provider, status: status, deadline: Date().addingTimeInterval(-1))
                await scheduler.work(on: overdue)
                let ended = try #require(try row(harness, job))
                #expect(ended.status == .failed)
                #expect(ended.errorCode == "GENERATION_TIMEOUT")
            }
        }
    }
}

@Suite("Webhook receipts expire")
struct WebhookReceiptSweepTests {
    @Test("receipts older than a day are deleted; younger ones stay")
    func sweep() async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        let now = Date()
        try await harness.database.pool.write { db in
            for (id, age) in [("msg_old", 25.0 * 3600), ("msg_young", 3600.0)] {
                try WebhookReceiptRecord(webhookID: id, provider: "replicate", predictionID: "p1", receivedAt: now.addingTimeInterval(-age)).insert(db)
            }
        }
        let sweeper = WebhookReceiptRecord.sweeper(database: harness.database, logger: testLogger)
        #expect(try await sweeper.sweepOnce(now: now) == 1)
        #expect(try await sweeper.sweepOnce(now: now) == 0)
        let left = try await harness.database.pool.read { db in try String.fetchAll(db, sql: "SELECT webhook_id FROM webhook_receipts") }
        #expect(left == ["msg_young"])
    }
}
