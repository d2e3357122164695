import Foundation
import FoundationNetworking
import OutboundHTTP
import Signing
import Testing
import TestSupport
#if canImport(FoundationNetworking)
#endif

@Suite("roomreel dev")
struct DevModeTests {
    @Test("one process serves the whole path on an embedded mock cluster; the dev workspace starts with 1000 credits; api-ingress's settings (INGRESS_JWT_SECRET) are honoured")
    func devMode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let jwtSecret = "dev-mode-jwt-secret-of-thirty-two-bytes-or-more"
        var environment = ProcessInfo.processInfo.environment
        environment["INGRESS_JWT_SECRET"] = jwtSecret
        let dev = try ServiceProcess(executable: BuiltProducts.executable("roomreel"),
                                     arguments: ["dev", "--port", "0", "--data-dir", data.path],
                                     environment: environment, logDirectory: directory.url, name: "roomreel-dev")
        do {
            let ready = try await dev.line(startingWith: "RoomReel ready on http://127.0.0.1:")
            let base = String(ready.dropFirst("RoomReel ready on ".count))
            let key = String(try await dev.line(startingWith: "API key: ").dropFirst("API key: ".count))
            #expect(try String(contentsOf: data.appendingPathComponent("dev-api-key"), encoding: .utf8) == key)

            let balanceBefore = try runTool(BuiltProducts.executable("roomreel").path, ["credits", "balance", "--workspace", "dev", "--data-dir", data.path])
            #expect(balanceBefore.output.contains("dev: 1000 credits"), "\(balanceBefore.output)")

            let form = MultipartBody(fields: [("video_type", "camera_motion"), ("camera_motion", "pan_left_right"), ("workspace_id", "dev"),
                                              ("duration", "3")],
                                     file: (name: "image", filename: "room.jpg", contentType: "image/jpeg",
                                            data: try Data(contentsOf: BuiltProducts.samplePhoto)))
            let id = try await Self.submit(form, base: base, key: key)
            let job = try await Self.finishedJob(id, base: base, key: key)
            #expect(job["status"] as? String == "completed", "\(job)")
            let token = try await HS256Tokens(secret: jwtSecret).workspaceToken("dev")
            let readWithJWT = try await Self.finishedJob(id, base: base, key: token)
            #expect(readWithJWT["status"] as? String == "completed", "\(readWithJWT)")
            let video = try ProbedVideo(data.appendingPathComponent("storage/generation-videos/\(id).mp4"))
            #expect(abs(video.durationSeconds - 3) <= 0.2)

            let balanceAfter = try runTool(BuiltProducts.executable("roomreel").path, ["credits", "balance", "--workspace", "dev", "--data-dir", data.path])
            #expect(balanceAfter.output.contains("dev: 999 credits"), "\(balanceAfter.output)")
        } catch {
            Issue.record("roomreel dev log:\n\(dev.output)")
            await dev.stop()
            throw error
        }
        #expect(await dev.stop(), "roomreel dev did not shut down gracefully on SIGTERM")
    }

    @Test("--providers sim: a new user runs kling-v3.0 and veo-2 end to end with no keys")
    func devWithSimulatedProviders() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let dev = try ServiceProcess(executable: BuiltProducts.executable("roomreel"),
                                     arguments: ["dev", "--port", "0", "--data-dir", data.path, "--providers", "sim"],
                                     environment: ProcessInfo.processInfo.environment, logDirectory: directory.url, name: "roomreel-dev-sim")
        do {
            _ = try await dev.line(startingWith: "Remote providers: provider-sim on http://127.0.0.1:")
            let ready = try await dev.line(startingWith: "RoomReel ready on http://127.0.0.1:")
            let base = String(ready.dropFirst("RoomReel ready on ".count))
            let key = String(try await dev.line(startingWith: "API key: ").dropFirst("API key: ".count))
            for (model, provider) in [("kling-v3.0", "kling"), ("veo-2", "replicate")] {
                let form = MultipartBody(fields: [("model", model), ("duration", "5"), ("prompt", "a bright living room")],
                                         file: (name: "image", filename: "room.jpg", contentType: "image/jpeg",
                                                data: try Data(contentsOf: BuiltProducts.samplePhoto)))
                let id = try await Self.submit(form, base: base, key: key)
                let job = try await Self.finishedJob(id, base: base, key: key)
                #expect(job["status"] as? String == "completed", "\(job)")
                #expect(job["provider"] as? String == provider)
                #expect(job["provider_prediction_id"] as? String != nil)
                let video = try ProbedVideo(data.appendingPathComponent("storage/generation-videos/\(id).mp4"))
                #expect(abs(video.durationSeconds - 5) <= 0.2)
            }
        } catch {
            Issue.record("roomreel dev log:\n\(dev.output)")
            await dev.stop()
            throw error
        }
        #expect(await dev.stop(), "roomreel dev did not shut down gracefully on SIGTERM")
    }

    @Test("with no keys, every seed video type and all 11 camera moves complete on the local renderer, in their shape and length; a styled job too; the job says why it ran locally")
    func everyVideoTypeLocally() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let dev = try ServiceProcess(executable: BuiltProducts.executable("roomreel"),
                                     arguments: ["dev", "--port", "0", "--data-dir", data.path],
                                     environment: ProcessInfo.processInfo.environment, logDirectory: directory.url, name: "roomreel-dev-local")
        do {
            let ready = try await dev.line(startingWith: "RoomReel ready on http://127.0.0.1:")
            let base = String(ready.dropFirst("RoomReel ready on ".count))
            let key = String(try await dev.line(startingWith: "API key: ").dropFirst("API key: ".count))
            let photo = try Data(contentsOf: BuiltProducts.samplePhoto)
            func file(_ field: String) -> MultipartBody.File {
                (name: field, filename: "room.jpg", contentType: "image/jpeg", data: photo)
            }
            // (fields, photos, the local model, the frame size)
            var jobs: [(fields: [(String, String)], files: [MultipartBody.File], model: String, size: (Int, Int))] = [
                ([("video_type", "walkthrough")], [file("image")], "local-walkthrough", (1280, 720)),
                ([("video_type", "floorplan_flythrough"), ("aspect_ratio", "1:1")], [file("image")], "local-floorplan-flythrough", (720, 720)),
                ([("video_type", "product_spotlight"), ("aspect_ratio", "9:16")], [file("image")], "local-product-spotlight", (720, 1280)),
                ([("video_type", "before_after")], [file("before_image"), file("after_image")], "local-before-after", (1280, 720)),
                ([("video_type", "social_reel")], [file("images[]"), file("images[]")], "local-social-reel", (720, 1280)),
                ([("video_type", "walkthrough"), ("style", "Mid-Century Modern")], [file("image")], "local-walkthrough", (1280, 720)),
            ]
            for motion in ["pan_up", "pan_down", "pan_left_right", "zoom_in", "zoom_out", "camera_pullback", "rotate_cw", "rotate_ccw",
                           "look_up", "look_down", "combining_motions"] {
                jobs.append(([("video_type", "camera_motion"), ("camera_motion", motion)], [file("image")], "local-camera-motion", (1280, 720)))
            }
            var submitted: [(id: String, model: String, size: (Int, Int))] = []
            for job in jobs {
                let id = try await Self.submit(MultipartBody(fields: job.fields + [("duration", "2")], files: job.files), base: base, key: key)
                submitted.append((id, job.model, job.size))
            }
            for job in submitted {
                let finished = try await Self.finishedJob(job.id, base: base, key: key)
                #expect(finished["status"] as? String == "completed", "\(finished)")
                #expect(finished["model"] as? String == job.model)
                if job.model != "local-camera-motion" {
                    let reason = finished["routing_reason"] as? String ?? ""
                    #expect(reason.hasPrefix("no remote model is available, so the local renderer makes it"), "\(finished)")
                }
                let video = try ProbedVideo(data.appendingPathComponent("storage/generation-videos/\(job.id).mp4"))
                #expect((video.width, video.height) == job.size, "\(job.model): \(video.width)×\(video.height)")
                #expect(abs(video.durationSeconds - 2) <= 0.2)
            }
        } catch {
            Issue.record("roomreel dev log:\n\(dev.output)")
            await dev.stop()
            throw error
        }
        #expect(await dev.stop(), "roomreel dev did not shut down gracefully on SIGTERM")
    }

    @Test("the CLI: submit --wait on a pseudo-terminal draws a progress bar and prints the video's URL; piped it prints plain lines; jobs and balance read the same RoomReel")
    func commandLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.url.appendingPathComponent("data")
        let roomreel = BuiltProducts.executable("roomreel").path
        let dev = try ServiceProcess(executable: BuiltProducts.executable("roomreel"),
                                     arguments: ["dev", "--port", "0", "--data-dir", data.path],
                                     environment: ProcessInfo.processInfo.environment, logDirectory: directory.url, name: "roomreel-dev-cli")
        do {
            let ready = try await dev.line(startingWith: "RoomReel ready on http://127.0.0.1:")
            let base = String(ready.dropFirst("RoomReel ready on ".count))
            let key = String(try await dev.line(startingWith: "API key: ").dropFirst("API key: ".count))
            let photo = BuiltProducts.samplePhoto.path
            // script(1) gives the command a pseudo-terminal; the key comes from the environment.
            let command = "ROOMREEL_API_KEY=\(key) \(roomreel) submit \(photo) --type walkthrough --duration 2 --wait --url \(base)"
            let onTerminal = try runTool("script", ["-qefc", command, "/dev/null"])
            #expect(onTerminal.status == 0, "\(onTerminal.output)")
            #expect(onTerminal.output.contains("█") && onTerminal.output.contains("\r["), "no progress bar: \(onTerminal.output)")
            #expect(onTerminal.output.contains("100% stored") || onTerminal.output.contains("100% "), "\(onTerminal.output)")
            let videoLine = try #require(onTerminal.output.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Video: ") }, "\(onTerminal.output)")
            let videoURL = try #require(URL(string: String(videoLine.dropFirst("Video: ".count)).trimmingCharacters(in: .whitespacesAndNewlines)))
            let (video, response) = try await URLSession.shared.data(from: videoURL)
            #expect((response as? HTTPURLResponse)?.statusCode == 200 && video.count > 10_000, "\(videoURL)")

            // Piped: plain lines, the key read from the file roomreel dev wrote.
            let piped = try runTool(roomreel, ["submit", photo, "--move", "zoom_in", "--duration", "2", "--wait", "--url", base, "--data-dir", data.path])
            #expect(piped.status == 0, "\(piped.output)")
            #expect(!piped.output.contains("\r") && piped.output.contains("% ") && piped.output.contains("Video: http"), "\(piped.output)")

            let jobs = try runTool(roomreel, ["jobs", "--url", base, "--key", key])
            #expect(jobs.status == 0 && jobs.output.split(whereSeparator: \.isNewline).filter { $0.contains("completed") }.count == 2, "\(jobs.output)")
            let balance = try runTool(roomreel, ["balance", "--url", base, "--key", key])
            #expect(balance.output.contains("dev: 997 credits"), "\(balance.output)")
            let refused = try runTool(roomreel, ["balance", "--url", base, "--key", "rr_not_a_key"])
            #expect(refused.status != 0 && refused.output.contains("401"), "\(refused.output)")
        } catch {
            Issue.record("roomreel dev log:\n\(dev.output)")
            await dev.stop()
            throw error
        }
        #expect(await dev.stop(), "roomreel dev did not shut down gracefully on SIGTERM")
    }

    /// `POST /v1/videos` with `form`; the new job's id.
    private static func submit(_ form: MultipartBody, base: String, key: String) async throws -> String {
        var request = URLRequest(url: URL(string: "\(base)/v1/videos")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue(form.contentType, forHTTPHeaderField: "Content-Type")
        let (body, _) = try await URLSession.shared.upload(for: request, from: form.data)
        return try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["id"] as? String,
                            "\(String(decoding: body, as: UTF8.self))")
    }

    /// The job once it is completed or failed.
    private static func finishedJob(_ id: String, base: String, key: String) async throws -> [String: Any] {
        try await eventually("job \(id) to finish") { () -> [String: Any]? in
            var poll = URLRequest(url: URL(string: "\(base)/v1/videos/\(id)")!)
            poll.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: poll)
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return ["completed", "failed"].contains(json?["status"] as? String) ? json : nil
        }
    }
}
