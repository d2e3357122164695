@testable import APIIngress
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import ObjectStorage
import Testing
import TestSupport

/// The jobs read model against events in every order they can arrive in (a restarted api-ingress
/// reads a job's topics in whatever order the cluster hands them over): no view and no webhook of a
/// finished job lacks the facts of the stages before its end.
@Suite("Job projection: events in any order")
struct JobProjectionOrderTests {
    static let jobID = "job-order"
    static let spec = VideoJobSpec(jobID: jobID, workspaceID: "ws-a", videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                   prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
    static let routed = VideoRouted(request: spec, inputImageKeys: [], modelID: "kling-v3.0", provider: "kling", credits: 7,
                                    durationSeconds: 5, requestedModel: "kling-v3.0")

    static func envelope(_ payload: some EventPayload, source: String) throws -> [UInt8] {
        try EventEnvelope(source: source, subject: jobID, workspaceID: "ws-a", data: payload).encoded()
    }

    static var completedJob: [(name: String, bytes: [UInt8])] {
        get throws {
            [("routed", try envelope(routed, source: "model-router")),
             ("debited", try envelope(CreditsDebited(routed: routed, ledgerEntryID: "le-1", balanceAfter: 93, ledgerSequence: 1), source: "billing")),
             ("submitted", try envelope(VideoSubmitted(provider: "kling", predictionID: "pred-1"), source: "provider-bridge")),
             ("generated", try envelope(VideoGenerated(provider: "kling", predictionID: "pred-1", outputURL: "https://cdn.example.com/o.mp4"),
                                        source: "provider-bridge")),
             ("stored", try envelope(VideoStored(videoKey: "generation-videos/\(jobID).mp4", bytes: 1000, sha256: "ab",
                                                 durationSeconds: 5, width: 1280, height: 720), source: "storage-uploader"))]
        }
    }

    static func failedJob(stage: String, withPrediction: Bool) throws -> [(name: String, bytes: [UInt8])] {
        var events = [("routed", try envelope(routed, source: "model-router")),
                      ("debited", try envelope(CreditsDebited(routed: routed, ledgerEntryID: "le-1", balanceAfter: 93, ledgerSequence: 1),
                                               source: "billing"))]
        if withPrediction { events.append(("submitted", try envelope(VideoSubmitted(provider: "kling", predictionID: "pred-1"), source: "provider-bridge"))) }
        events.append(("failed", try envelope(VideoFailed(stage: stage, code: .generationFailed, message: "the provider failed"),
                                              source: stage == "storage" ? "storage-uploader" : "provider-bridge")))
        return events
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }

    /// Applies `events` in order to a fresh job with a webhook; after each one, what a reader sees
    /// must be causally complete. Returns the final job and its webhook's `data`.
    static func apply(_ events: [(name: String, bytes: [UInt8])]) async throws -> (JobRecord, [String: Any]?) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        var job = StatusReadTests.job(id: jobID)
        job.webhookURL = "https://hooks.example.com/rr"
        try await database.pool.write { [job] db in try job.insert(db) }
        let projection = JobProjection(logger: Logger(label: "test"), completions: JobSignals(),
                                       publicBaseURL: { "http://127.0.0.1:8080" }, videoLinks: StatusReadTests.links)
        let order = events.map(\.name).joined(separator: " → ")
        for event in events {
            try await projection.handle(try IncomingEvent(bytes: event.bytes, database: database))
            let (seen, webhook) = try await database.pool.read { db -> (JobRecord?, Data?) in
                (try JobRecord.fetchOne(db, key: jobID),
                 try Data.fetchOne(db, sql: "SELECT payload FROM webhook_deliveries WHERE job_id = ?", arguments: [jobID]))
            }
            let current = try #require(seen)
            if current.status.isTerminal {
                #expect(current.creditsDebited != nil, "\(order): \(current.status.rawValue) after \(event.name) without its debit")
                if current.status == .completed {
                    #expect(current.predictionID != nil, "\(order): completed after \(event.name) without its prediction")
                }
                let message = try #require(webhook.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] },
                                           "\(order): finished without its webhook")
                let data = try #require(message["data"] as? [String: Any])
                #expect(data["status"] as? String == current.status.rawValue)
                #expect(data["credits_debited"] as? Int == 7, "\(order): webhook \(data)")
            } else {
                #expect(webhook == nil, "\(order): a webhook for an unfinished job")
            }
        }
        let final = try #require(try await database.pool.read { db in try JobRecord.fetchOne(db, key: jobID) })
        let message = try await database.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT payload FROM webhook_deliveries WHERE job_id = ?", arguments: [jobID])
        }.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (final, message?["data"] as? [String: Any])
    }

    @Test("a completed job's five events in all 120 orders: completed with its debit, prediction and video, one webhook that shows them")
    func everyOrderOfACompletedJob() async throws {
        for order in Self.permutations(try Self.completedJob) {
            let (job, webhook) = try await Self.apply(order)
            let names = order.map(\.name).joined(separator: " → ")
            #expect(job.status == .completed && job.stage == .stored, "\(names): \(job.status) \(job.stage)")
            #expect(job.heldEvent == nil, "\(names): a held event was left")
            #expect(job.creditsDebited == 7 && job.predictionID == "pred-1" && job.videoKey != nil && job.videoWidth == 1280, "\(names)")
            #expect(webhook?["provider_prediction_id"] as? String == "pred-1", "\(names): \(webhook ?? [:])")
            #expect(webhook?["video_url"] as? String != nil, "\(names): \(webhook ?? [:])")
        }
    }

    @Test("a provider's or storage's failure in every order: failed with its error and debit, never before the debit")
    func everyOrderOfAFailedJob() async throws {
        for (stage, withPrediction) in [("generation", true), ("submission", false), ("storage", true)] {
            for order in Self.permutations(try Self.failedJob(stage: stage, withPrediction: withPrediction)) {
                let (job, webhook) = try await Self.apply(order)
                let names = order.map(\.name).joined(separator: " → ")
                #expect(job.status == .failed && job.errorCode == ErrorCode.generationFailed.rawValue, "\(stage) \(names): \(job.status)")
                #expect(job.heldEvent == nil, "\(stage) \(names)")
                #expect(webhook?["status"] as? String == "failed", "\(stage) \(names)")
                if withPrediction { #expect(job.predictionID == "pred-1", "\(stage) \(names)") }
            }
        }
    }

    @Test("a job's five events as one polled run, in all 120 orders and with a redelivery: the same job and webhook as one by one")
    func everyOrderInOneBatch() async throws {
        for order in Self.permutations(try Self.completedJob) {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
            var job = StatusReadTests.job(id: Self.jobID)
            job.webhookURL = "https://hooks.example.com/rr"
            try await database.pool.write { [job] db in try job.insert(db) }
            let projection = JobProjection(logger: Logger(label: "test"), completions: JobSignals(),
                                           publicBaseURL: { "http://127.0.0.1:8080" }, videoLinks: StatusReadTests.links)
            let events = try order.map { try IncomingEvent(bytes: $0.bytes, database: database) }
            try await projection.handle(batch: events + [events[0]], database: database)
            let names = order.map(\.name).joined(separator: " → ")
            let (final, webhooks) = try await database.pool.read { db in
                (try JobRecord.fetchOne(db, key: Self.jobID),
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_deliveries WHERE job_id = ?", arguments: [Self.jobID]))
            }
            #expect(final?.status == .completed && final?.stage == .stored && final?.heldEvent == nil, "\(names)")
            #expect(final?.creditsDebited == 7 && final?.predictionID == "pred-1" && final?.videoWidth == 1280, "\(names)")
            #expect(webhooks == 1, "\(names)")
        }
    }

    @Test("a run with an event for an unknown job commits nothing and is refused as permanent, for the one-by-one retry")
    func batchWithAnUnknownJob() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try openIngressDatabase(path: directory.url.appendingPathComponent("ingress.sqlite").path)
        try await database.pool.write { db in try StatusReadTests.job(id: Self.jobID).insert(db) }
        let projection = JobProjection(logger: Logger(label: "test"), completions: JobSignals(),
                                       publicBaseURL: { "http://127.0.0.1:8080" }, videoLinks: StatusReadTests.links)
        let known = try IncomingEvent(bytes: try Self.envelope(Self.routed, source: "model-router"), database: database)
        let unknown = try IncomingEvent(
            bytes: try EventEnvelope(source: "model-router", subject: "job-unknown", workspaceID: "ws-a", data: Self.routed).encoded(),
            database: database)
        await #expect(throws: EventHandlingError.self) { try await projection.handle(batch: [known, unknown], database: database) }
        let (stage, inbox) = try await database.pool.read { db in
            (try JobRecord.fetchOne(db, key: Self.jobID)?.stage, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox"))
        }
        #expect(stage == .requested && inbox == 0)
        try await projection.handle(known)
        #expect(try await database.pool.read { db in try JobRecord.fetchOne(db, key: Self.jobID)?.stage } == .routed)
    }

    @Test("a later finishing event does not undo the first, held or applied")
    func firstFinishWins() async throws {
        let events = try Self.completedJob
        let failed = ("failed", try Self.envelope(VideoFailed(stage: "storage", code: .outputInvalid, message: "late"), source: "storage-uploader"))
        let (job, _) = try await Self.apply([events[4], failed] + events[0..<4])
        #expect(job.status == .completed && job.errorCode == nil)
    }
}
