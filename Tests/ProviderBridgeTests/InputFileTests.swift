import EventContracts
import Foundation
import GRDB
import ObjectStorage
import OutboundHTTP
@testable import ProviderBridge
import Testing
import TestSupport

/// Luma fetches a job's photos from the bridge: each URL carries a token of its own, and opens its
/// photo only while the job is in flight.
@Suite("Input photos served to providers that fetch them")
struct InputFileTests {
    static let job = "job-luma"
    static let photo = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 64))

    /// The harness with a Luma job whose one input photo is stored.
    private func withLumaJob(_ body: @Sendable (WebhookHarness, URL) async throws -> Void) async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        try LocalBlobStore(root: harness.directoryURL).write(Self.photo, to: "inputs/room.jpg")
        try await harness.database.pool.write { db in
            let routed = VideoRouted(
                request: VideoJobSpec(jobID: Self.job, workspaceID: "ws", videoType: nil, model: "luma-ray3", cameraMotion: nil, prompt: "p",
                                      style: nil, aspectRatio: .landscape, durationSeconds: 5),
                inputImageKeys: ["inputs/room.jpg"], modelID: "luma-ray3", provider: "luma", credits: 1)
            let now = Date()
            try PredictionRecord(jobID: Self.job, workspaceID: "ws", provider: "luma", modelID: "luma-ray3", predictionID: "l-1",
                                 status: .submitted, routed: try EventCoding.encoder.encode(routed), outputURL: nil, errorCode: nil,
                                 errorMessage: nil, createdAt: now, updatedAt: now, nextCheckAt: now, deadlineAt: now.addingTimeInterval(600))
                .insert(db)
        }
        try await harness.serve { base in try await body(harness, base) }
    }

    private func get(_ base: URL, _ path: String) async throws -> HTTPAnswer {
        try await ServiceHTTPClient().send("GET", URL(string: base.absoluteString + path)!)
    }

    @Test("the URL the bridge gives the provider serves the photo with its type")
    func servesThePhoto() async throws {
        try await withLumaJob { harness, base in
            let url = harness.callbacks.inputURL(jobID: Self.job, workspaceID: "ws", index: 0)
            #expect(url.path.hasPrefix("/inputs/\(Self.job)/0/"))
            let answer = try await get(base, url.path)
            #expect(answer.status == 200)
            #expect(answer.body == Self.photo)
            #expect(answer.header("content-type") == "image/jpeg")
        }
    }

    @Test("a wrong, another input's, another job's or a callback token, an input that does not exist, or an ended job: 404")
    func refusesEverythingElse() async throws {
        try await withLumaJob { harness, base in
            let callbacks = harness.callbacks
            let token = callbacks.inputToken(jobID: Self.job, index: 0)
            for path in [
                "/inputs/\(Self.job)/0/\(String(repeating: "A", count: token.count))",
                "/inputs/\(Self.job)/0/\(callbacks.inputToken(jobID: Self.job, index: 1))",
                "/inputs/\(Self.job)/0/\(callbacks.inputToken(jobID: WebhookHarness.klingJob, index: 0))",
                "/inputs/\(Self.job)/0/\(callbacks.token(jobID: Self.job))",
                "/inputs/\(Self.job)/1/\(callbacks.inputToken(jobID: Self.job, index: 1))",
                "/inputs/\(Self.job)/-1/\(callbacks.inputToken(jobID: Self.job, index: -1))",
                "/inputs/\(Self.job)/x/\(token)",
            ] {
                #expect(try await get(base, path).status == 404, "\(path)")
            }
            try await harness.database.pool.write { db in
                try db.execute(sql: "UPDATE predictions SET status = 'succeeded' WHERE job_id = ?", arguments: [Self.job])
            }
            #expect(try await get(base, "/inputs/\(Self.job)/0/\(token)").status == 404)
        }
    }
}
