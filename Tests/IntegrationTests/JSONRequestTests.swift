import Foundation
import Testing
import TestSupport

@Suite("JSON requests across the services", .serialized)
struct JSONRequestTests {
    static func errorCode(_ reply: Pipeline.Reply) -> String? {
        (reply.json["error"] as? [String: Any])?["code"] as? String
    }

    @Test("a photo by URL (fetched under the SSRF rules) or as base64 makes a video; refused, unreachable and malformed inputs get their own codes and no job")
    func jsonRequests() async throws {
        try await withPhotoServer { photoPort in
            // The photo host is on loopback, so this pipeline's api-ingress allows exactly 127.0.0.1.
            try await Pipeline.with(environment: ["INGRESS_FETCH_ALLOW": "127.0.0.1/32"]) { pipeline in
                let byURL = try await pipeline.postJSON("/v1/videos", """
                    {"video_type": "camera_motion", "camera_motion": "pan_left_right", "duration": 3, "fallback": false,
                     "workspace_id": "\(Pipeline.workspace)", "image_url": "http://127.0.0.1:\(photoPort)/room.jpg"}
                    """, bearer: pipeline.apiKey)
                #expect(byURL.status == 202, "\(byURL.json)")
                let id = try #require(byURL.json["id"] as? String)
                let job = try await pipeline.finishedJob(id)
                #expect(job["status"] as? String == "completed", "\(job)")
                let video = try ProbedVideo(pipeline.directory.url.appendingPathComponent("storage/generation-videos/\(id).mp4"))
                #expect(abs(video.durationSeconds - 3) <= 0.2)

                let base64 = try Data(contentsOf: BuiltProducts.samplePhoto).base64EncodedString()
                let inline = try await pipeline.postJSON("/v1/videos", """
                    {"video_type": "camera_motion", "camera_motion": "zoom_in", "image_base64": "data:image/jpeg;base64,\(base64)"}
                    """, bearer: pipeline.apiKey)
                #expect(inline.status == 202, "\(inline.json)")

                let cases: [(body: String, status: Int, code: String)] = [
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "image_url": "http://127.0.0.2:\#(photoPort)/room.jpg"}"#, 400, "IMAGE_URL_REFUSED"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "image_url": "http://169.254.169.254/latest/meta-data/"}"#, 400, "IMAGE_URL_REFUSED"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "image_url": "http://10.0.0.1/room.jpg"}"#, 400, "IMAGE_URL_REFUSED"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "image_url": "file:///etc/passwd"}"#, 400, "INVALID_REQUEST"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "image_url": "http://127.0.0.1:\#(photoPort)/missing.jpg"}"#, 400, "IMAGE_FETCH_FAILED"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "image_base64": "not base64 at all!"}"#, 400, "INVALID_IMAGE"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "imagee_url": "http://127.0.0.1/x.jpg"}"#, 400, "INVALID_REQUEST"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in"}"#, 400, "IMAGE_REQUIRED"),
                    (#"{"video_type": "camera_motion", "camera_motion": "zoom_in", "duration": [5]}"#, 400, "INVALID_REQUEST"),
                    (#"["not", "an", "object"]"#, 400, "INVALID_REQUEST"),
                ]
                for (body, status, code) in cases {
                    let refused = try await pipeline.postJSON("/v1/videos", body, bearer: pipeline.apiKey)
                    #expect(refused.status == status && Self.errorCode(refused) == code, "\(body) → \(refused.status) \(refused.json)")
                }
                // Only the two accepted jobs exist.
                let jobs = try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") }
                #expect(jobs == 2)
            }
        }
    }
}
