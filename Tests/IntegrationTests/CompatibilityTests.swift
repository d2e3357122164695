import Foundation
import GRDB
import OutboundHTTP
import ProviderSim
import Signing
import Testing
import TestSupport

/// The five hosted APIs RoomReel replaces (`../shared/seeds/`) and the OpenAI-style Videos API, each
/// sent its own documents' requests (their fields, their auth headers) and checked field by field
/// through to a finished video; their refusals in their own shapes, with nothing charged.
@Suite("Drop-in compatible APIs", .serialized)
struct CompatibilityTests {
    static let jwtSecret = PublicAPITests.jwtSecret
    /// A workspace with 100 credits (seed 004's insufficient-credits example) and one with none.
    static let lowWorkspace = "ws-low"
    static let poorWorkspace = "ws-poor"

    @Test("seeds 000–004: each seed's example requests, verbatim, answered in its shape through to a stored video at its documented price; its refusals in its words, charging nothing")
    func seedContracts() async throws {
        try await withPhotoServer { photoPort in
            let photoURL = "http://127.0.0.1:\(photoPort)/room.jpg"
            try await withSimulatedProviders(extra: [
                "INGRESS_JWT_SECRET": Self.jwtSecret, "INGRESS_FETCH_ALLOW": "127.0.0.1/32",
                "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):100000,\(Self.lowWorkspace):100",
                // The synchronous answer is what this test reads: a window wide enough for the loaded
                // machine's first renders (the seed's 55 s is the default; the "processing" answer past
                // the window has a test of its own).
                "COMPAT_INTERIOR_WAIT_SECONDS": "240",
            ]) { pipeline, _ in
                let tokens = HS256Tokens(secret: Self.jwtSecret)
                var charged: [String: Int] = [:]
                charged.merge(try await Self.interiorVideo(pipeline, tokens: tokens, photoURL: photoURL)) { $1 }
                charged.merge(try await Self.homeDesigns(pipeline)) { $1 }
                charged.merge(try await Self.wevion(pipeline, photoURL: photoURL)) { $1 }
                charged.merge(try await Self.roomAI(pipeline, tokens: tokens, photoURL: photoURL)) { $1 }
                charged.merge(try await Self.veo3(pipeline, tokens: tokens, photoURL: photoURL)) { $1 }

                // Every refusal left no job and charged nothing; each accepted job was debited once, at its
                // price (0: billing turned it down).
                let jobs = try await pipeline.database("api-ingress").read { db in try String.fetchAll(db, sql: "SELECT id FROM jobs") }
                #expect(Set(jobs) == Set(charged.keys), "jobs \(jobs.count), accepted \(charged.count)")
                for (id, credits) in charged {
                    let debits = try await pipeline.database("billing").read { db in
                        try Int64.fetchAll(db, sql: "SELECT amount FROM ledger_entries WHERE kind = 'debit' AND job_id = ?", arguments: [id])
                    }
                    #expect(debits.map { abs($0) } == (credits == 0 ? [] : [Int64(credits)]), "job \(id): debits \(debits), expected \(credits)")
                }
            }
        }
    }

    // MARK: 000 generate-interior-video-v2

    static func interiorVideo(_ pipeline: Pipeline, tokens: HS256Tokens, photoURL: String) async throws -> [String: Int] {
        // A token for another workspace that may also use the pipeline's: the body's workspace_id chooses.
        let jwt = try await tokens.sign(WorkspaceClaims(workspaceID: "ws-home", workspaceIDs: [Pipeline.workspace], expiresAt: Date().addingTimeInterval(600)))
        var charged: [String: Int] = [:]
        let requests: [(body: String, model: String, credits: Int, ratio: String, path: String)] = [
            (#"{"image_url":"\#(photoURL)","prompt":"Slow push towards the sofa","video_type":"product_spotlight","aspect_ratio":"1:1","workspace_id":"\#(Pipeline.workspace)","user_id":"user-1"}"#,
             "kling-v3.0", 20, "1:1", "generate-interior-video-v2"),
            (#"{"image_url":"\#(photoURL)","prompt":"Gentle pan across the room","model":"wan2.1-i2v-720p","duration":5,"workspace_id":"\#(Pipeline.workspace)"}"#,
             "wan2.1-i2v-720p", 12, "16:9", "generate-interior-video-v2"),
            // generate-social-video's example, as the seed writes it.
            (#"{"prompt":"A cosy reading corner, camera drifts in","image_url":"\#(photoURL)","model":"kling-1.6-pro","aspect_ratio":"9:16","workspace_id":"\#(Pipeline.workspace)"}"#,
             "kling-1.6-pro", 15, "9:16", "generate-social-video"),
        ]
        for request in requests {
            let reply = try await pipeline.postJSON("/functions/v1/\(request.path)", request.body, bearer: jwt)
            try #require(reply.status == 200, "\(request.path): \(reply.json)")
            expectDocumented(reply, request.path == "generate-social-video" ? "interiorGenerateSocialVideo" : "interiorGenerateVideo")
            #expect(reply.json["success"] as? Bool == true && reply.json["model"] as? String == request.model, "\(reply.json)")
            #expect(reply.json["credits_used"] as? Int == request.credits && (reply.json["duration_ms"] as? Int ?? 0) > 0, "\(reply.json)")
            let url = try #require(reply.json["video_url"] as? String, "\(reply.json)")
            let id = try #require(url.split(separator: "/").last?.split(separator: ".").first.map(String.init))
            let video = try await Self.download(url, pipeline: pipeline)
            let (w, h) = try #require(DeliveryTests.ratios[request.ratio])
            #expect(video.width * h == video.height * w, "\(request.model): \(video.width)×\(video.height)")
            charged[id] = request.credits

            let row = try await pipeline.send("GET", "/functions/v1/generate-interior-video-v2?job_id=\(id)", headers: ["Authorization": "Bearer \(jwt)"])
            expectDocumented(row, "interiorPollVideo")
            #expect(row.status == 200 && row.json["status"] as? String == "completed" && row.json["video_url"] as? String == url, "\(row.json)")
            #expect(row.json["credits_debited"] as? Int == request.credits && row.json["workspace_id"] as? String == Pipeline.workspace, "\(row.json)")
            #expect(row.json["prediction_id"] is String && row.json["model"] as? String == request.model, "\(row.json)")
        }

        // Refusals: the edge function's shape, the core's code and status.
        let neither = try await pipeline.postJSON("/functions/v1/generate-interior-video-v2",
                                                  #"{"image_url":"\#(photoURL)","prompt":"x","workspace_id":"\#(Pipeline.workspace)"}"#, bearer: jwt)
        #expect(neither.status == 400 && neither.json["success"] as? Bool == false && neither.json["code"] as? String == "INVALID_REQUEST", "\(neither.json)")
        #expect(neither.json["error"] as? String == "one of video_type or model is required")
        let own = try await tokens.sign(WorkspaceClaims(workspaceID: "ws-home", expiresAt: Date().addingTimeInterval(600)))
        let foreign = try await pipeline.postJSON("/functions/v1/generate-interior-video-v2",
                                                  #"{"image_url":"\#(photoURL)","prompt":"x","model":"veo-2","workspace_id":"\#(Pipeline.workspace)"}"#, bearer: own)
        #expect(foreign.status == 404 && foreign.json["code"] as? String == "NOT_FOUND" && foreign.json["success"] as? Bool == false, "\(foreign.json)")
        let anonymous = try await pipeline.postJSON("/functions/v1/generate-social-video", #"{"prompt":"x","image_url":"\#(photoURL)","workspace_id":"w"}"#, bearer: nil)
        expectDocumented(neither, "interiorGenerateVideo")
        expectDocumented(foreign, "interiorGenerateVideo")
        expectDocumented(anonymous, "interiorGenerateSocialVideo")
        #expect(anonymous.status == 401 && anonymous.json["code"] as? String == "UNAUTHORIZED" && anonymous.json["success"] as? Bool == false, "\(anonymous.json)")
        return charged
    }

    // MARK: 001 HomeDesigns video_generation

    static func homeDesigns(_ pipeline: Pipeline) async throws -> [String: Int] {
        let photo = try Data(contentsOf: BuiltProducts.samplePhoto)
        var charged: [String: Int] = [:]
        let file = MultipartBody(fields: [("tool_name", "zoom_in")], files: [(name: "image", filename: "room.jpg", contentType: "image/jpeg", data: photo)])
        let base64 = MultipartBody(fields: [("image", photo.base64EncodedString()), ("tool_name", "pan_left_right")], files: [])
        for form in [file, base64] {
            let reply = try await Self.post(form, to: "/api/v2/video_generation", pipeline: pipeline)
            try #require(reply.status == 200 && reply.json["status"] as? String == "IN_QUEUE", "\(reply.json)")
            expectDocumented(reply, "homeDesignsCreateVideo")
            let id = try #require(reply.json["id"] as? String)
            var seen: Set<String> = []
            let done = try await eventually("HomeDesigns job \(id) to succeed", timeout: .seconds(240)) { () -> [String: Any]? in
                let status = try await pipeline.get("/api/v2/video_generation/status_check/\(id)")
                expectDocumented(status, "homeDesignsStatusCheck")
                let word = status.json["status"] as? String ?? "?"
                seen.insert(word)
                #expect(status.json["created_at"] is String, "\(status.json)")
                if word == "processing" { #expect(status.json["started_at"] is String, "\(status.json)") }
                return word == "SUCCESS" || word == "FAILED" ? status.json : nil
            }
            #expect(done["status"] as? String == "SUCCESS", "\(done)")
            #expect(seen.isSubset(of: ["starting", "processing", "SUCCESS"]), "\(seen)")
            let input = try await pipeline.get(try #require(done["input_image"] as? String))
            #expect(input.status == 200 && input.body == photo)
            let video = try await Self.download(try #require(done["output_video"] as? String), pipeline: pipeline)
            #expect(abs(video.durationSeconds - 5) < 0.05, "\(video.durationSeconds)")
            charged[id] = 1
        }

        // The seed's refusals, word for word.
        let tiny = pipeline.directory.url.appendingPathComponent("tiny.jpg")
        #expect(try runTool("ffmpeg", ["-v", "error", "-y", "-i", BuiltProducts.samplePhoto.path, "-vf", "scale=400:300", tiny.path]).status == 0)
        let refusals: [(MultipartBody, Int, String)] = [
            (MultipartBody(fields: [("tool_name", "zoom_in")], files: []), 400, "Image field required"),
            (MultipartBody(fields: [("tool_name", "zoom_in")], files: [(name: "image", filename: "tiny.jpg", contentType: "image/jpeg", data: try Data(contentsOf: tiny))]),
             400, "Invalid image size. The image width and height must be 512x512 or greater than 512x512 pixels."),
            (MultipartBody(fields: [("tool_name", "zoom_in")], files: [(name: "image", filename: "room.gif", contentType: "image/gif", data: Data("GIF89a not a photo".utf8))]),
             400, "Invalid image format. Only PNG, JPEG and JPG images are allowed."),
            (MultipartBody(fields: [], files: [(name: "image", filename: "room.jpg", contentType: "image/jpeg", data: photo)]), 400, "tool_name field required"),
            (MultipartBody(fields: [("tool_name", "spin")], files: [(name: "image", filename: "room.jpg", contentType: "image/jpeg", data: photo)]), 400,
             "tool_name value is not a valid enumeration member; permitted: 'pan_up', 'pan_down', 'pan_left_right', 'zoom_in', 'zoom_out', 'camera_pullback', 'rotate_cw', 'rotate_ccw', 'look_up', 'look_down', 'combining_motions'"),
        ]
        for (form, status, message) in refusals {
            let reply = try await Self.post(form, to: "/api/v2/video_generation", pipeline: pipeline)
            expectDocumented(reply, "homeDesignsCreateVideo")
            #expect(reply.status == status && reply.json["error"] as? String == message && reply.json["code"] is String, "\(reply.json)")
        }
        let unknown = try await pipeline.get("/api/v2/video_generation/status_check/ag61df25b20-e263-4bae-vbgbae8-ecccaafgbbd687-ugf1")
        expectDocumented(unknown, "homeDesignsStatusCheck")
        #expect(unknown.status == 404 && unknown.json["error"] as? String == "Please Enter a Valid Queue ID" && unknown.json["code"] as? String == "NOT_FOUND")
        return charged
    }

    // MARK: 002 Wevion creative hub

    static func wevion(_ pipeline: Pipeline, photoURL: String) async throws -> [String: Int] {
        var charged: [String: Int] = [:]
        let requests: [(body: String, credits: Int, seconds: Double?, folder: String?)] = [
            (#"{"prompt":"A coffee cup being filled with steaming coffee, slow zoom in, cinematic","provider":"luma_ray3","image_url":"\#(photoURL)","duration":6,"aspect_ratio":"9:16","drive_folder_id":"campaign-42"}"#,
             50, 6, "campaign-42"),
            // runway_gen4 from text alone: RoomReel's Runway models need a photo, so the job moves to a model of its price that takes text.
            (#"{"prompt":"A jogger on a misty mountain trail, running uphill, slow tracking shot from behind, golden hour light, inspirational mood.","provider":"runway_gen4"}"#,
             50, nil, nil),
        ]
        for request in requests {
            let reply = try await pipeline.postJSON("/api/v1/creative-hub/generate/video", request.body, bearer: pipeline.apiKey)
            try #require(reply.status == 202 && reply.json["status"] as? String == "pending", "\(reply.json)")
            expectDocumented(reply, "wevionGenerateVideo")
            let id = try #require(reply.json["job_id"] as? String)
            let done = try await eventually("Wevion job \(id)", timeout: .seconds(240)) { () -> [String: Any]? in
                let read = try await pipeline.get("/api/v1/creative-hub/generate/jobs/\(id)")
                expectDocumented(read, "wevionGetJob")
                let job = read.json
                #expect(["pending", "processing", "completed"].contains(job["status"] as? String ?? "?"), "\(job)")
                return job["status"] as? String == "completed" || job["status"] as? String == "failed" ? job : nil
            }
            #expect(done["status"] as? String == "completed" && done["error_message"] is NSNull && done["cost_cents"] as? Int == request.credits, "\(done)")
            let urls = try #require(done["result_urls"] as? [String], "\(done)")
            try #require(urls.count == 1)
            if let folder = request.folder { #expect(urls[0].contains("/\(folder)/generation-videos/\(id).mp4"), "\(urls)") }
            let video = try await Self.download(urls[0], pipeline: pipeline)
            if let seconds = request.seconds { #expect(abs(video.durationSeconds - seconds) < 0.05 && video.width * 16 == video.height * 9, "\(video)") }
            charged[id] = request.credits
        }
        for (body, fragment) in [(#"{"provider":"luma_ray3"}"#, "prompt"), (#"{"prompt":"x","provider":"veo_3_1"}"#, "provider"),
                                 (#"{"prompt":"x","duration":12}"#, "duration")] {
            let reply = try await pipeline.postJSON("/api/v1/creative-hub/generate/video", body, bearer: pipeline.apiKey)
            expectDocumented(reply, "wevionGenerateVideo")
            #expect(reply.status == 400 && reply.json["code"] as? String == "INVALID_REQUEST" && (reply.json["error"] as? String)?.contains(fragment) == true, "\(reply.json)")
        }
        return charged
    }

    // MARK: 003 RoomAI Video AI

    static func roomAI(_ pipeline: Pipeline, tokens: HS256Tokens, photoURL: String) async throws -> [String: Int] {
        // The seed's request example, with the photo where the client keeps it.
        let example = #"{"model": "video", "image": "\#(photoURL)", "styles": "modern", "prompt": "cinematic walkthrough with warm lighting"}"#
        let reply = try await pipeline.postJSON("/api/v1/generate", example, bearer: pipeline.apiKey)
        try #require(reply.status == 200 && reply.json["status"] as? String == "success", "\(reply.json)")
        expectDocumented(reply, "roomAIGenerate")
        let result = try #require(reply.json["result"] as? [String: Any])
        #expect(result["model"] as? String == "video" && result["tokens_used"] as? Int == 10 && (result["processing_time_ms"] as? Int ?? 0) > 0, "\(result)")
        let url = try #require(result["image_url"] as? String)
        #expect(url.hasSuffix(".mp4"))
        _ = try await Self.download(url, pipeline: pipeline)
        let id = try #require(url.split(separator: "/").last?.split(separator: ".").first.map(String.init))

        // A workspace with no tokens: the seed's INSUFFICIENT_TOKENS, nothing charged.
        let poor = try await tokens.sign(WorkspaceClaims(workspaceID: Self.poorWorkspace, expiresAt: Date().addingTimeInterval(600)))
        let broke = try await pipeline.postJSON("/api/v1/generate", example, bearer: poor)
        #expect(broke.status == 402 && broke.json["status"] as? String == "error", "\(broke.json)")
        expectDocumented(broke, "roomAIGenerate")
        let error = broke.json["error"] as? [String: Any] ?? [:]
        #expect(error["code"] as? String == "INSUFFICIENT_TOKENS" && error["message"] as? String == "Not enough tokens", "\(error)")
        #expect(error["required"] as? Int == 10 && error["balance"] as? Int == 0 && error["roomreel_code"] as? String == "INSUFFICIENT_CREDITS", "\(error)")
        // api-ingress had not heard of the workspace, so billing turned the job down: a job, never debited.
        let poorJobs = try await pipeline.database("api-ingress").read { db in
            try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE workspace_id = ?", arguments: [Self.poorWorkspace])
        }
        #expect(poorJobs.count == 1)

        let notVideo = try await pipeline.postJSON("/api/v1/generate", #"{"model":"interior","image":"\#(photoURL)"}"#, bearer: pipeline.apiKey)
        expectDocumented(notVideo, "roomAIGenerate")
        #expect(notVideo.status == 400 && (notVideo.json["error"] as? [String: Any])?["code"] as? String == "INVALID_REQUEST", "\(notVideo.json)")
        return Dictionary(uniqueKeysWithValues: [(id, 10)] + poorJobs.map { ($0, 0) })
    }

    // MARK: 004 Veo3 generation API

    static func veo3(_ pipeline: Pipeline, tokens: HS256Tokens, photoURL: String) async throws -> [String: Int] {
        let token = ["Authorization": "Token \(pipeline.apiKey)", "Content-Type": "application/json"]
        // The seed's five request examples, with the photo where the client keeps it.
        let examples: [(body: String, model: String, credits: Int, mode: String, time: String, message: String)] = [
            (#"{"prompt": "A cat playing in a garden with colorful flowers, sunny day", "video_model": "veo3_fast", "aspect_ratio": "16:9"}"#,
             "veo3_fast", 240, "text-to-video", "45-60 seconds", "Video generation started successfully"),
            (#"{"prompt": "A beautiful sunset over mountains with birds flying", "aspect_ratio": "9:16"}"#,
             "veo3_fast", 240, "text-to-video", "45-60 seconds", "Video generation started successfully"),
            (#"{"prompt": "The cat starts running and jumping through the garden", "video_model": "veo3_fast", "source_image_urls": ["\#(photoURL)"], "aspect_ratio": "16:9"}"#,
             "veo3_fast", 240, "image-to-video", "45-60 seconds", "Video generation started successfully"),
            (#"{"prompt": "A cat gracefully jumping through tall grass in slow motion", "video_model": "veo3", "aspect_ratio": "9:16"}"#,
             "veo3", 500, "text-to-video", "60-90 seconds", "Premium video generation started successfully"),
            (#"{"prompt": "The cat starts running and playing with the flowers", "video_model": "veo3", "source_image_urls": ["\#(photoURL)"], "aspect_ratio": "16:9"}"#,
             "veo3", 500, "image-to-video", "90-120 seconds", "Premium image-to-video generation started successfully"),
        ]
        var charged: [String: Int] = [:]
        for example in examples {
            let reply = try await pipeline.send("POST", "/api/v1/generate/video/", body: Data(example.body.utf8), headers: token)
            try #require(reply.status == 200 && reply.json["success"] as? Bool == true, "\(reply.json)")
            expectDocumented(reply, "veo3GenerateVideo")
            let data = try #require(reply.json["data"] as? [String: Any])
            #expect(data["status"] as? String == "processing" && data["generation_type"] as? String == "video" && data["video_model"] as? String == example.model, "\(data)")
            #expect(data["credits_used"] as? Int == example.credits && data["credits_remaining"] is Int, "\(data)")
            #expect(data["mode"] as? String == example.mode && data["estimated_time"] as? String == example.time && data["message"] as? String == example.message, "\(data)")
            #expect((data["source_images_count"] as? Int) == (example.mode == "image-to-video" ? 1 : nil), "\(data)")
            charged[try #require(data["generation_id"] as? String)] = example.credits
        }
        for (id, _) in charged {
            let done = try await eventually("Veo3 generation \(id)", timeout: .seconds(240)) { () -> [String: Any]? in
                let read = try await pipeline.send("GET", "/api/v1/generate/\(id)/", headers: token)
                expectDocumented(read, "veo3GetGeneration")
                let status = read.json
                #expect(status["generation_type"] as? String == "video", "\(status)")
                return status["status"] as? String == "processing" ? nil : status
            }
            #expect(done["status"] as? String == "completed" && done["video_url"] is String, "\(done)")
            let video = try await Self.download(try #require(done["video_url"] as? String), pipeline: pipeline)
            #expect(abs(video.durationSeconds - 8) < 0.05, "\(video)")
        }

        // The seed's error bodies, word for word (with the core's code beside them).
        let noPrompt = try await pipeline.send("POST", "/api/v1/generate/video/", body: Data(#"{"aspect_ratio": "16:9"}"#.utf8), headers: token)
        expectDocumented(noPrompt, "veo3GenerateVideo")
        #expect(noPrompt.status == 400 && noPrompt.json["success"] as? Bool == false && noPrompt.json["error"] as? String == "Prompt is required", "\(noPrompt.json)")
        #expect(noPrompt.json["details"] as? [String: String] == ["prompt": "This field is required"], "\(noPrompt.json)")
        let low = try await tokens.sign(WorkspaceClaims(workspaceID: Self.lowWorkspace, expiresAt: Date().addingTimeInterval(600)))
        _ = try await eventually("api-ingress to see \(Self.lowWorkspace)'s 100 credits") {
            try await pipeline.get("/v1/workspaces/\(Self.lowWorkspace)/balance", key: low).json["balance"] as? Int == 100 ? true : nil
        }
        let short = try await pipeline.send("POST", "/api/v1/generate/video/", body: Data(examples[0].body.utf8),
                                            headers: ["Authorization": "Bearer \(low)", "Content-Type": "application/json"])
        #expect(short.status == 402, "\(short.json)")
        expectDocumented(short, "veo3GenerateVideo")
        #expect(short.json as NSDictionary == [
            "success": false, "error": "Insufficient credits. Need 240, have 100", "credits_needed": 240, "credits_balance": 100,
            "video_model": "veo3_fast", "generation_type": "video", "code": "INSUFFICIENT_CREDITS",
        ] as NSDictionary, "\(short.json)")
        return charged
    }

    // MARK: OpenAI-style Videos API

    @Test("the official openai package (videos.create with and without input_reference, retrieve, list, download_content, delete) against /openai/v1; the stored mp4s have the asked seconds and size; generate-interior-video-v2 past its window says processing and its poll finishes")
    func openAISDK() async throws {
        let python = try PythonTools.path("python")
        try await withPhotoServer { photoPort in
            try await withSimulatedProviders(extra: ["INGRESS_FETCH_ALLOW": "127.0.0.1/32", "COMPAT_INTERIOR_WAIT_SECONDS": "0"]) { pipeline, _ in
                let script = BuiltProducts.packageRoot.appendingPathComponent("Tests/IntegrationTests/Scripts/openai_videos.py").path
                let run = try runTool(python, [script, "\(pipeline.baseURL)/openai/v1", pipeline.apiKey, BuiltProducts.samplePhoto.path,
                                                    pipeline.directory.url.path])
                try #require(run.status == 0, "\(run.output)")
                let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)")
                let created = try #require(report["created"] as? [[String: Any]])
                try #require(created.count == 2)
                for video in created {
                    #expect(video["object"] as? String == "video" && video["status"] as? String == "queued" && video["progress"] as? Int == 0, "\(video)")
                    #expect(video["model"] as? String == "kling-v3.0" && video["created_at"] is Int, "\(video)")
                }
                #expect(created[0]["seconds"] as? String == "4" && created[0]["size"] as? String == "1280x720", "\(created[0])")
                #expect(created[1]["seconds"] as? String == "8" && created[1]["size"] as? String == "720x1280", "\(created[1])")

                let finished = try #require(report["finished"] as? [String: [String: Any]])
                let downloads = try #require(report["downloads"] as? [String: [String: Any]], "\(report)")
                for (video, (seconds, width, height)) in zip(created, [(4.0, 1280, 720), (8.0, 720, 1280)]) {
                    let id = try #require(video["id"] as? String)
                    let done = try #require(finished[id])
                    #expect(done["status"] as? String == "completed" && done["progress"] as? Int == 100 && done["completed_at"] is Int, "\(done)")
                    #expect(done["size"] as? String == "\(width)x\(height)", "\(done)")
                    let file = try #require(downloads[id]?["video"] as? String)
                    let probed = try ProbedVideo(URL(fileURLWithPath: file))
                    #expect(probed.width == width && probed.height == height && abs(probed.durationSeconds - seconds) < 0.05, "\(id): \(probed)")
                    #expect((downloads[id]?["thumbnail_bytes"] as? Int ?? 0) > 1000)
                }
                let listed = try #require(report["listed"] as? [String])
                #expect(listed == [created[1]["id"] as? String, created[0]["id"] as? String].compactMap { $0 }, "\(listed)")
                #expect((report["deleted"] as? [String: Any])?["deleted"] as? Bool == true
                        && (report["deleted"] as? [String: Any])?["object"] as? String == "video.deleted", "\(report)")
                #expect((report["after_delete"] as? [String: Any])?["code"] as? String == "NOT_FOUND", "\(report)")
                let deletedID = try #require(created[0]["id"] as? String)
                // The answers the SDK read, as openapi.yaml declares them.
                expectDocumented(try await pipeline.get("/openai/v1/videos/\(try #require(created[1]["id"] as? String))"), "openAIRetrieveVideo")
                expectDocumented(try await pipeline.get("/openai/v1/videos?limit=1"), "openAIListVideos")
                expectDocumented(try await pipeline.get("/openai/v1/videos/\(deletedID)"), "openAIRetrieveVideo")
                expectDocumented(try await pipeline.get("/openai/v1/videos", key: "not-a-key"), "openAIListVideos")
                #expect(!FileManager.default.fileExists(atPath: pipeline.directory.url.appendingPathComponent("storage/generation-videos/\(deletedID).mp4").path))
                #expect((report["bad_size"] as? [String: Any])?["code"] as? String == "INVALID_REQUEST", "\(report)")
                #expect((report["bad_key"] as? [String: Any])?["code"] as? String == "UNAUTHORIZED", "\(report)")

                // Seed 000 past its answer window: processing, with the poll to follow.
                let body = #"{"image_url":"http://127.0.0.1:\#(photoPort)/room.jpg","prompt":"Slow walk into the room","video_type":"walkthrough","workspace_id":"\#(Pipeline.workspace)"}"#
                let reply = try await pipeline.postJSON("/functions/v1/generate-interior-video-v2", body, bearer: pipeline.apiKey)
                try #require(reply.status == 200 && reply.json["status"] as? String == "processing", "\(reply.json)")
                expectDocumented(reply, "interiorGenerateVideo")
                let id = try #require(reply.json["job_id"] as? String)
                #expect(reply.json["success"] as? Bool == true && reply.json["model"] as? String == "veo-2" && reply.json["credits_used"] as? Int == 30, "\(reply.json)")
                #expect(reply.json["message"] as? String == "Video generation in progress. Poll /functions/v1/generate-interior-video-v2?job_id=\(id)")
                #expect(reply.json.keys.contains("prediction_id"), "\(reply.json)")
                let row = try await eventually("the polled job to complete", timeout: .seconds(240)) { () -> [String: Any]? in
                    let row = try await pipeline.get("/functions/v1/generate-interior-video-v2?job_id=\(id)").json
                    return row["status"] as? String == "processing" ? nil : row
                }
                #expect(row["status"] as? String == "completed" && row["video_url"] is String && row["credits_debited"] as? Int == 30, "\(row)")
            }
        }
    }

    @Test("the check that holds the adapters' answers to openapi.yaml finds a missing field, an undocumented one, a wrong type, a wrong const and an undocumented status")
    func shapeCheckFails() {
        func reply(_ json: String, status: Int = 200) -> Pipeline.Reply {
            Pipeline.Reply(status: status, json: [:], body: Data(json.utf8))
        }
        #expect(DocumentedShape.problems(reply(#"{"id":"a","status":"IN_QUEUE"}"#), operation: "homeDesignsCreateVideo").isEmpty)
        let broken = [
            reply(#"{"id":"a"}"#), reply(#"{"id":"a","status":"IN_QUEUE","queue":1}"#), reply(#"{"id":1,"status":"IN_QUEUE"}"#),
            reply(#"{"id":"a","status":"QUEUED"}"#), reply(#"{"id":"a","status":"IN_QUEUE"}"#, status: 201),
            reply(#"{"error":"Image field required"}"#, status: 400),
        ]
        for answer in broken {
            #expect(!DocumentedShape.problems(answer, operation: "homeDesignsCreateVideo").isEmpty, "\(String(decoding: answer.body, as: UTF8.self))")
        }
    }

    // MARK: Helpers

    static func post(_ form: MultipartBody, to path: String, pipeline: Pipeline) async throws -> Pipeline.Reply {
        try await pipeline.send("POST", path, body: form.data, headers: ["Authorization": "Bearer \(pipeline.apiKey)", "Content-Type": form.contentType])
    }

    /// Fetches a video URL the API handed out and reads it with ffprobe.
    static func download(_ url: String, pipeline: Pipeline) async throws -> ProbedVideo {
        let reply = try await pipeline.send("GET", url)
        try #require(reply.status == 200, "\(url): \(reply.status)")
        let file = pipeline.directory.url.appendingPathComponent("download-\(UUID().uuidString).mp4")
        try reply.body.write(to: file)
        return try ProbedVideo(file)
    }
}
