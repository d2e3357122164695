import Foundation
import Media
import Testing
import TestSupport

/// The five executables and `roomreel kafka-mock` as separate processes, driven over HTTP.
/// Serialized: each test starts a whole pipeline, and the machine has two cores.
@Suite("Pipeline across processes", .serialized)
struct PipelineTests {
    private static func cameraMotion(_ motion: String = "zoom_in", duration: String = "4") -> [(String, String)] {
        [("video_type", "camera_motion"), ("camera_motion", motion), ("workspace_id", Pipeline.workspace), ("duration", duration)]
    }

    @Test("a room photo posted to api-ingress comes back as a stored H.264 mp4 of the requested length, debited once")
    func photoInVideoOut() async throws {
        try await Pipeline.with { pipeline in
            let accepted = try await pipeline.submit(fields: Self.cameraMotion(duration: "4"))
            #expect(accepted.status == 202, "\(String(decoding: accepted.body, as: UTF8.self))")
            let id = try #require(accepted.json["id"] as? String)
            #expect(accepted.json["status"] as? String == "queued")
            #expect(accepted.json["model"] as? String == "local-camera-motion")

            let job = try await pipeline.finishedJob(id)
            try #require(job["status"] as? String == "completed", "job ended as \(job)\n\(pipeline.logs)")
            #expect(job["credits_debited"] as? Int == 1)

            let stored = pipeline.directory.url.appendingPathComponent("storage/generation-videos/\(id).mp4")
            let video = try ProbedVideo(stored)
            #expect(video.codec == "h264")
            #expect(video.width == 1280 && video.height == 720)
            #expect(abs(video.durationSeconds - 4) <= 0.2, "duration \(video.durationSeconds)")

            let videoURL = try #require(job["video_url"] as? String)
            #expect(videoURL.hasSuffix("/generation-videos/\(id).mp4"))
            let served = try await pipeline.get(videoURL)
            #expect(served.status == 200)
            #expect(served.body == (try Data(contentsOf: stored)))

            let posterURL = try #require(job["poster_url"] as? String)
            #expect(posterURL.hasSuffix("/generation-videos/\(id).jpg"))
            let poster = try await pipeline.get(posterURL)
            #expect(poster.status == 200)
            #expect(ImageHeader.read([UInt8](poster.body)).map { ($0.format, $0.width, $0.height) } ?? (.png, 0, 0) == (.jpeg, 1280, 720))

            // The client's photo sits in the same storage folder but is never served.
            let inputs = try FileManager.default.contentsOfDirectory(atPath: pipeline.directory.url.appendingPathComponent("storage/inputs").path)
            let input = try #require(inputs.first)
            #expect(try await pipeline.get("/media/inputs/\(input)").status == 404)

            #expect(try pipeline.debitCount(job: id) == 1)
            // Seven events, and the renderer's nine progress reports.
            let crossed = Set(try await pipeline.eventTypesOnKafka(job: id, atLeast: 16))
            #expect(crossed == [.videoRequested, .videoRouted, .creditsDebited, .videoSubmitted, .videoProgress, .videoGenerated, .providerOutcome,
                                .videoStored])

            for name in Pipeline.serviceNames {
                #expect(await pipeline.process(name).stop(), "\(name) did not shut down gracefully on SIGTERM")
            }
        }
    }

    @Test("before_after and social_reel jobs come back as videos of their own kind, each charged its price once")
    func revealAndReel() async throws {
        try await Pipeline.with { pipeline in
            let sample = try Data(contentsOf: BuiltProducts.samplePhoto)
            let reveal = try await pipeline.submit(
                fields: [("video_type", "before_after"), ("workspace_id", Pipeline.workspace), ("duration", "3"), ("reveal", "wipe")],
                files: [("before_image", sample), ("after_image", sample)])
            let reel = try await pipeline.submit(
                fields: [("video_type", "social_reel"), ("workspace_id", Pipeline.workspace), ("duration", "4"), ("fps", "24")],
                files: [("images[]", sample), ("images[]", sample), ("images[]", sample)])
            #expect(reveal.status == 202 && reel.status == 202, "\(reveal.json) \(reel.json)")
            #expect(reveal.json["model"] as? String == "local-before-after")
            #expect(reel.json["model"] as? String == "local-social-reel")
            #expect(reel.json["aspect_ratio"] as? String == "9:16")

            for (reply, seconds, size, credits) in [(reveal, 3.0, (1280, 720), 2), (reel, 4.0, (720, 1280), 2)] {
                let id = try #require(reply.json["id"] as? String)
                let job = try await pipeline.finishedJob(id)
                try #require(job["status"] as? String == "completed", "job ended as \(job)")
                #expect(job["credits_debited"] as? Int == credits)
                let video = try ProbedVideo(pipeline.directory.url.appendingPathComponent("storage/generation-videos/\(id).mp4"))
                #expect((video.width, video.height) == size)
                #expect(abs(video.durationSeconds - seconds) <= 0.2)
                #expect(try pipeline.debitCount(job: id) == 1)
            }
        }
    }

    @Test("bad requests get a stable error code and are never charged")
    func badRequests() async throws {
        try await Pipeline.with { pipeline in
            let wrongKey = try await pipeline.submit(fields: Self.cameraMotion(), key: "rr_not_a_key")
            #expect(wrongKey.status == 401)
            #expect((wrongKey.json["error"] as? [String: Any])?["code"] as? String == "UNAUTHORIZED")

            let noImage = try await pipeline.submit(fields: Self.cameraMotion(), image: nil)
            #expect(noImage.status == 400)
            #expect((noImage.json["error"] as? [String: Any])?["code"] as? String == "IMAGE_REQUIRED")

            let notAnImage = try await pipeline.submit(fields: Self.cameraMotion(), image: Data("just text".utf8))
            #expect(notAnImage.status == 400)
            #expect((notAnImage.json["error"] as? [String: Any])?["code"] as? String == "INVALID_IMAGE")

            let badMotion = try await pipeline.submit(fields: Self.cameraMotion("barrel_roll"))
            #expect(badMotion.status == 400)
            #expect((badMotion.json["error"] as? [String: Any])?["code"] as? String == "INVALID_REQUEST")

            let sample = try Data(contentsOf: BuiltProducts.samplePhoto)
            let tiny = try runTool("ffmpeg", ["-v", "error", "-y", "-i", BuiltProducts.samplePhoto.path, "-vf", "scale=400:300",
                                              pipeline.directory.url.appendingPathComponent("tiny.jpg").path])
            #expect(tiny.status == 0)
            let tooSmall = try await pipeline.submit(fields: Self.cameraMotion(),
                                                     image: try Data(contentsOf: pipeline.directory.url.appendingPathComponent("tiny.jpg")))
            #expect(tooSmall.status == 400)
            #expect((tooSmall.json["error"] as? [String: Any])?["code"] as? String == "IMAGE_TOO_SMALL")
            #expect(((tooSmall.json["error"] as? [String: Any])?["details"] as? [String: Any])?["width"] as? Int == 400)

            let truncated = try await pipeline.submit(fields: Self.cameraMotion(), image: sample.prefix(sample.count * 2 / 3))
            #expect(truncated.status == 400)
            #expect((truncated.json["error"] as? [String: Any])?["code"] as? String == "INVALID_IMAGE")

            let pngSignature = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 4, 0, 0, 0, 3, 0])
            let lyingPNG = try await pipeline.submit(fields: Self.cameraMotion(), image: pngSignature + Data(repeating: 0x5A, count: 5000))
            #expect(lyingPNG.status == 400)
            #expect((lyingPNG.json["error"] as? [String: Any])?["code"] as? String == "INVALID_IMAGE")

            let missingAfter = try await pipeline.submit(
                fields: [("video_type", "before_after"), ("workspace_id", Pipeline.workspace)], files: [("before_image", sample)])
            #expect(missingAfter.status == 400)
            #expect((missingAfter.json["error"] as? [String: Any])?["code"] as? String == "IMAGE_REQUIRED")

            let models = try await pipeline.get("/v1/models")
            #expect(models.status == 200)
            let listed = try #require(models.json["models"] as? [[String: Any]])
            let byID = Dictionary(uniqueKeysWithValues: listed.compactMap { entry in (entry["id"] as? String).map { ($0, entry) } })
            #expect(byID["local-camera-motion"]?["available"] as? Bool == true)
            #expect(byID["veo-2"] == nil, "no running provider-bridge serves replicate: its models are not offered")
            #expect((models.json["defaults"] as? [String: String])?["walkthrough"] == "veo-2")

            // From a prompt alone, a walkthrough needs a remote model (the local renderer needs a photo).
            let walkthrough = try await pipeline.submit(fields: [("video_type", "walkthrough"), ("workspace_id", Pipeline.workspace),
                                                                 ("prompt", "a calm living room")], image: nil)
            #expect(walkthrough.status == 422)
            #expect((walkthrough.json["error"] as? [String: Any])?["code"] as? String == "MODEL_UNAVAILABLE")
            #expect(((walkthrough.json["error"] as? [String: Any])?["message"] as? String)?.contains("REPLICATE_API_TOKEN") == true, "\(walkthrough.json)")

            let unknown = try await pipeline.get("/v1/videos/00000000-0000-0000-0000-000000000000")
            #expect(unknown.status == 404)
            #expect((unknown.json["error"] as? [String: Any])?["code"] as? String == "NOT_FOUND")

            let unauthorisedRead = try await pipeline.get("/v1/videos/00000000-0000-0000-0000-000000000000", key: "rr_not_a_key")
            #expect(unauthorisedRead.status == 401)

            let jobs = try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") }
            #expect(jobs == 0)
            let inputs = pipeline.directory.url.appendingPathComponent("storage/inputs")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: inputs.path)) ?? []).isEmpty, "rejected photos were left in storage")
            let debits = try await pipeline.database("billing").read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'")
            }
            #expect(debits == 0)
        }
    }

    @Test("billing killed after committing a debit but before publishing it: restarted, the job completes with one debit")
    func billingCrashAfterDebit() async throws {
        try await Pipeline.with(faults: ["billing": "billing.after-debit-commit"]) { pipeline in
            let accepted = try await pipeline.submit(fields: Self.cameraMotion(duration: "3"))
            let id = try #require(accepted.json["id"] as? String)

            let crashed = try await pipeline.process("billing").exit(timeout: .seconds(120))
            #expect(crashed.bySignal && crashed.status == SIGKILL)
            #expect(try pipeline.debitCount(job: id) == 1)
            // The debit's event is still in billing's outbox: it was never published.
            let unpublished = try await pipeline.database("billing").read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE topic = 'credits.debited'")
            }
            #expect(unpublished == 1)

            try pipeline.start("billing")
            let job = try await pipeline.finishedJob(id)
            #expect(job["status"] as? String == "completed", "job ended as \(job)")
            #expect(try pipeline.debitCount(job: id) == 1)
            let balance = try await pipeline.database("billing").read { db in
                try Int64.fetchOne(db, sql: "SELECT SUM(amount) FROM ledger_entries WHERE workspace_id = ?", arguments: [Pipeline.workspace])
            }
            #expect(balance == Pipeline.credits - 1)
            let verify = try runTool(BuiltProducts.executable("roomreel").path, ["ledger", "verify", "--data-dir", pipeline.directory.url.path])
            #expect(verify.status == 0 && verify.output.contains("Ledger intact"), "\(verify.output)")
        }
    }
}
