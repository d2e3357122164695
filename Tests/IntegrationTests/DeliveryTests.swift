import Foundation
import GRDB
import ProviderSim
import Signing
import Testing
import TestSupport

/// The five executables against `provider-sim`, asked what the seeds' clients ask: every provider
/// delivers the shape and the length asked for, the request grammar is one for both body formats, and
/// nothing is charged for what cannot run.
@Suite("What you ask for is what you get", .serialized)
struct DeliveryTests {
    /// A job to submit and what its stored video must be.
    struct Order: Sendable, CustomStringConvertible {
        var model: String
        var ratio: String = "16:9"
        var duration: Double?
        var expectedSeconds: Double

        var description: String { "\(model) \(ratio) \(duration.map { "\($0) s" } ?? "no duration")" }
    }

    static let ratios = ["16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)]

    @Test("per provider, each ratio it renders comes back in that shape at full 720p (ffprobe), from a 4:3 photo; no duration on veo3 and veo3_fast is 8 s; 4 s and 6 s on kling and luma are 4.0 and 6.0 s, charged at the length generated")
    func shapesAndLengths() async throws {
        try await withSimulatedProviders { pipeline, _ in
            var orders: [Order] = []
            // Replicate (Kling 1.6 and Wan follow the photo; the bridge crops it), Kling, Google, Luma, Runway.
            for model in ["kling-1.6-pro", "kling-v3.0", "luma-ray3", "runway-gen4-turbo"] {
                orders += ["16:9", "9:16", "1:1"].map { Order(model: model, ratio: $0, expectedSeconds: 5) }
            }
            orders += ["16:9", "9:16"].map { Order(model: "wan2.1-i2v-720p", ratio: $0, expectedSeconds: 5) }
            orders += ["16:9", "9:16"].map { Order(model: "veo3-fast", ratio: $0, expectedSeconds: 8) }
            // Seed 004's requests name the model and no duration; seed 002's ask 2–10 s of Kling and Luma.
            orders += [Order(model: "veo3", expectedSeconds: 8), Order(model: "veo3_fast", expectedSeconds: 8)]
            for model in ["kling-v3.0", "luma-ray3"] {
                orders += [4.0, 6.0].map { Order(model: model, duration: $0, expectedSeconds: $0) }
            }

            var submitted: [(Order, String)] = []
            for order in orders {
                var fields = [("model", order.model), ("aspect_ratio", order.ratio), ("prompt", "A bright living room")]
                if let duration = order.duration { fields.append(("duration", "\(duration)")) }
                let reply = try await pipeline.submit(fields: fields)
                try #require(reply.status == 202, "\(order): \(String(decoding: reply.body, as: UTF8.self))")
                submitted.append((order, try #require(reply.json["id"] as? String)))
            }
            for (order, id) in submitted {
                let job = try await pipeline.finishedJob(id, timeout: .seconds(240))
                try #require(job["status"] as? String == "completed", "\(order): \(job)")
                let video = try ProbedVideo(pipeline.directory.url.appendingPathComponent("storage/generation-videos/\(id).mp4"))
                let (w, h) = try #require(Self.ratios[order.ratio])
                #expect(video.width * h == video.height * w, "\(order): stored \(video.width)×\(video.height)")
                #expect(min(video.width, video.height) == 720, "\(order): \(video.width)×\(video.height) is not the provider's own 720p frame")
                #expect(abs(video.durationSeconds - order.expectedSeconds) < 0.05, "\(order): \(video.durationSeconds) s")
                #expect(job["video_width"] as? Int == video.width && job["video_height"] as? Int == video.height, "\(order): \(job)")
                #expect(abs((job["video_duration_seconds"] as? Double ?? 0) - video.durationSeconds) < 0.01, "\(order): \(job)")
                #expect(job["duration_seconds"] as? Double == order.expectedSeconds, "\(order): \(job)")
                #expect(try pipeline.debitCount(job: id) == 1, "\(order)")
                if order.duration == 6, order.model == "kling-v3.0" {
                    #expect(job["generated_seconds"] as? Double == 10 && job["credits_debited"] as? Int == 20, "\(job)")
                }
                if order.duration == 6, order.model == "luma-ray3" {
                    #expect(job["generated_seconds"] as? Double == 9, "\(job)")
                }
            }
        }
    }

    @Test("multipart and JSON refuse unknown fields alike and charge nothing; style is one of six in the seeds' spellings; too many photos names the limit; one-photo before_after runs on Kling; a model no bridge serves is not offered and never debited")
    func grammarAndAvailability() async throws {
        // FAL_KEY is set, but provider-bridge has no fal client: seedance-pro must not be offered.
        try await withSimulatedProviders(extra: ["FAL_KEY": "sim-fal"]) { pipeline, _ in
            // The OpenAI-style fields seen in the wild are not this API's: 400 naming them, no job.
            let openAI = try await pipeline.submit(fields: [("prompt", "a loft"), ("seconds", "8"), ("size", "720x1280")],
                                                   files: [("input_reference", try Data(contentsOf: BuiltProducts.samplePhoto))])
            #expect(openAI.status == 400 && openAI.errorCode == "INVALID_REQUEST", "\(openAI.json)")
            #expect(((openAI.json["error"] as? [String: Any])?["message"] as? String)?.contains("unknown field") == true)
            let json = try await pipeline.postJSON("/v1/videos", #"{"prompt":"a loft","seconds":8}"#, bearer: pipeline.apiKey)
            #expect(json.status == 400 && json.errorCode == "INVALID_REQUEST")
            #expect(((json.json["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("unknown field 'seconds'") == true, "\(json.json)")

            let klingon = try await pipeline.submit(fields: [("model", "kling-v3.0"), ("style", "Klingon")])
            let message = (klingon.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(klingon.status == 400 && klingon.errorCode == "INVALID_REQUEST", "\(klingon.json)")
            for style in ["modern", "minimalist", "scandinavian", "industrial", "mid-century modern", "contemporary"] {
                #expect(message.contains(style), "\(message)")
            }

            let photo = try Data(contentsOf: BuiltProducts.samplePhoto)
            let three = try await pipeline.submit(fields: [("model", "kling-v3.0"), ("video_type", "social_reel")],
                                                  files: [("images[]", photo), ("images[]", photo), ("images[]", photo)])
            #expect(three.status == 422 && three.errorCode == "TOO_MANY_IMAGES", "\(three.json)")
            #expect((three.json["error"] as? [String: Any])?["details"] as? [String: Int] == ["maximum_images": 2, "images": 3], "\(three.json)")

            // Seed 000's single-photo before_after, in its own spelling of the style.
            let reveal = try await pipeline.submit(fields: [("video_type", "before_after"), ("style", "Mid-Century Modern")])
            try #require(reveal.status == 202, "\(reveal.json)")
            #expect(reveal.json["model"] as? String == "kling-v3.0" && reveal.json["requested_model"] as? String == "kling-v3.0", "\(reveal.json)")
            let revealID = try #require(reveal.json["id"] as? String)
            let revealed = try await pipeline.finishedJob(revealID, timeout: .seconds(240))
            #expect(revealed["status"] as? String == "completed", "\(revealed)")

            // seedance-pro's provider (fal) has no client in provider-bridge: not offered, refused, never debited.
            let models = try await pipeline.get("/v1/models").json["models"] as? [[String: Any]] ?? []
            #expect(!models.isEmpty && !models.contains { $0["id"] as? String == "seedance-pro" }, "\(models.map { $0["id"] ?? "" })")
            let seedance = try await pipeline.submit(fields: [("model", "seedance-pro"), ("duration", "5")])
            #expect(seedance.status == 422 && seedance.errorCode == "MODEL_UNAVAILABLE", "\(seedance.json)")
            #expect(((seedance.json["error"] as? [String: Any])?["message"] as? String)?.contains("no running provider-bridge serves provider fal") == true)

            // Only the before_after job exists and was charged.
            let jobs = try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") }
            #expect(jobs == 1)
            let debits = try await pipeline.database("billing").read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'")
            }
            let revealDebits = try pipeline.debitCount(job: revealID)
            #expect(debits == 1 && revealDebits == 1)
        }
    }
}
