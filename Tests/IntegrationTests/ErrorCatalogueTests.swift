import EventContracts
import Foundation
import GRDB
import Hummingbird
import Testing
import TestSupport

@Suite("Every API error code, from a real request", .serialized)
struct ErrorCatalogueTests {
    /// The codes a request can be answered with, less the ones no request here should cause:
    /// METHOD_NOT_ALLOWED is the router's (checked with the operations routes) and INTERNAL_ERROR a bug.
    static let requestCodes = Set(ErrorCode.allCases.filter { $0.answersRequests && ![.methodNotAllowed, .internalError].contains($0) }.map(\.rawValue))

    @Test("each code comes with its documented HTTP status and the one error shape, and no job or charge is left behind")
    func catalogue() async throws {
        // A JPEG header followed by 21 MB, served by a loopback host: over the photo limit. (By URL
        // rather than uploaded: parsing a 21 MB multipart body in a debug build is slow enough to
        // time out on a busy machine.)
        let hugePhoto = try Data(contentsOf: BuiltProducts.samplePhoto) + Data(repeating: 0, count: 21_000_000)
        let host = Router()
        host.get("/huge.jpg") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: hugePhoto)))
        }
        try await withLoopbackServer(host) { hostPort in
            try await Pipeline.with(environment: ["INGRESS_ADMIN_TOKEN": PublicAPITests.adminToken, "INGRESS_FETCH_ALLOW": "127.0.0.1/32",
                                                  "INGRESS_MAX_UPLOAD_BYTES": "26000000"]) { pipeline in
                let key = pipeline.apiKey
                let photo = try PublicAPITests.photoJSON()
                func json(_ fields: String) throws -> String { try PublicAPITests.photoJSON(extra: fields) }
                let tiny = pipeline.directory.url.appendingPathComponent("tiny.jpg")
                #expect(try runTool("ffmpeg", ["-v", "error", "-y", "-i", BuiltProducts.samplePhoto.path, "-vf", "scale=400:300", tiny.path]).status == 0)
                let tinyBase64 = try Data(contentsOf: tiny).base64EncodedString()
                let poor = try await pipeline.postJSON("/v1/admin/workspaces/ws-empty/api-keys", "", bearer: PublicAPITests.adminToken)
                let poorKey = try #require(poor.json["key"] as? String)
                let first = try await pipeline.postJSON("/v1/videos", photo, bearer: key, headers: ["Idempotency-Key": "catalogue"])
                let firstID = try #require(first.json["id"] as? String, "\(first.json)")
                var jobsBefore = 1

                var seen: Set<String> = []
                var statuses: [String: Int] = [:]
                func check(_ code: String, _ status: Int, _ reply: Pipeline.Reply, sourceLocation: SourceLocation = #_sourceLocation) {
                    let error = reply.json["error"] as? [String: Any]
                    #expect(reply.status == status && reply.errorCode == code, "\(code): \(reply.status) \(reply.json)", sourceLocation: sourceLocation)
                    #expect(error?["message"] is String && error?["details"] is [String: Any], "\(code): \(reply.json)", sourceLocation: sourceLocation)
                    seen.insert(code)
                    statuses[code] = reply.status
                }
                check("INVALID_REQUEST", 400, try await pipeline.postJSON("/v1/videos", try json(#","aspect_ratio":"4:3""#), bearer: key))
                check("IMAGE_REQUIRED", 400, try await pipeline.postJSON("/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in"}"#, bearer: key))
                check("INVALID_IMAGE", 400, try await pipeline.postJSON(
                    "/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in","image_base64":"aGVsbG8gd29ybGQ="}"#, bearer: key))
                check("IMAGE_TOO_SMALL", 400, try await pipeline.postJSON(
                    "/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in","image_base64":"\#(tinyBase64)"}"#, bearer: key))
                check("IMAGE_TOO_LARGE", 400, try await pipeline.postJSON(
                    "/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in","image_url":"http://127.0.0.1:\#(hostPort)/huge.jpg"}"#, bearer: key))
                check("IMAGE_URL_REFUSED", 400, try await pipeline.postJSON(
                    "/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in","image_url":"http://169.254.169.254/latest/meta-data"}"#, bearer: key))
                check("IMAGE_FETCH_FAILED", 400, try await pipeline.postJSON(
                    "/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in","image_url":"http://127.0.0.1:9/room.jpg"}"#, bearer: key))
                check("WEBHOOK_URL_REFUSED", 400, try await pipeline.postJSON("/v1/videos", try json(#","webhook_url":"http://192.168.1.1/hook""#), bearer: key))
                check("IDEMPOTENCY_KEY_REUSED", 422, try await pipeline.postJSON("/v1/videos", try json(#","prompt":"other""#), bearer: key,
                                                                                headers: ["Idempotency-Key": "catalogue"]))
                check("UNAUTHORIZED", 401, try await pipeline.postJSON("/v1/videos", photo, bearer: nil))
                check("NOT_FOUND", 404, try await pipeline.get("/v1/videos/no-such-job"))
                check("PAYLOAD_TOO_LARGE", 413, try await pipeline.submit(fields: [("video_type", "camera_motion")],
                                                                           image: Data(repeating: 0xFF, count: 27_000_000)))
                check("MODEL_UNAVAILABLE", 422, try await pipeline.postJSON("/v1/videos", #"{"model":"veo-2","prompt":"a calm living room"}"#, bearer: key))
                check("MODEL_CANNOT_DO", 422, try await pipeline.postJSON("/v1/videos", try json(#","model":"local-camera-motion","duration":60"#)
                    .replacingOccurrences(of: #""duration":3,"#, with: ""), bearer: key))
                check("TOO_MANY_IMAGES", 422, try await pipeline.postJSON("/v1/videos", #"""
                    {"video_type":"social_reel","model":"local-camera-motion","camera_motion":"zoom_in","images":[{"base64":"aGVsbG8="},{"base64":"aGVsbG8="}]}
                    """#, bearer: key))
                check("PROMPT_TOO_LONG", 400, try await pipeline.postJSON("/v1/videos", try json(#","prompt":"\#(String(repeating: "a", count: 2001))""#), bearer: key))
                check("INSUFFICIENT_CREDITS", 402, try await pipeline.postJSON("/v1/videos", photo, bearer: poorKey, headers: ["Prefer": "wait=60"]))

                // The workspace's limits, made small.
                let admin = ["Authorization": "Bearer \(PublicAPITests.adminToken)", "Content-Type": "application/json"]
                func limit(_ body: String) async throws {
                    let reply = try await pipeline.send("PUT", "/v1/admin/workspaces/\(Pipeline.workspace)/limits", body: Data(body.utf8), headers: admin)
                    #expect(reply.status == 200, "\(reply.json)")
                }
                try await limit(#"{"jobs_per_minute": 1, "burst": 1, "max_active_jobs": 0}"#)
                // The bucket's one token goes to a request refused for its body; the next is over the rate.
                let spent = try await pipeline.postJSON("/v1/videos", #"{"video_type":"camera_motion","camera_motion":"zoom_in"}"#, bearer: key)
                #expect(spent.errorCode == "IMAGE_REQUIRED")
                let overRate = try await pipeline.postJSON("/v1/videos", photo, bearer: key)
                check("RATE_LIMITED", 429, overRate)
                #expect(Int(overRate.headers["retry-after"] ?? "") ?? 0 > 1 && overRate.headers["ratelimit-policy"] == #""jobs";q=1;w=60"#, "\(overRate.headers)")
                // With the first job finished, one job in flight (it runs, and is charged), and the next finds the workspace at its cap.
                _ = try await pipeline.finishedJob(firstID)
                try await limit(#"{"jobs_per_minute": 0, "max_active_jobs": 1}"#)
                let running = try await pipeline.postJSON("/v1/videos", photo, bearer: key)
                #expect(running.status == 202, "\(running.json)")
                jobsBefore += 1
                let atCap = try await pipeline.postJSON("/v1/videos", photo, bearer: key)
                check("TOO_MANY_ACTIVE_JOBS", 429, atCap)
                #expect(atCap.headers["retry-after"] == "5" && atCap.headers["ratelimit-policy"] == #""active-jobs";q=1"#, "\(atCap.headers)")
                #expect(try await pipeline.send("DELETE", "/v1/admin/workspaces/\(Pipeline.workspace)/limits", headers: admin).status == 200)

                #expect(seen == Self.requestCodes)
                for code in seen {
                    #expect(ErrorCode(rawValue: code)?.httpStatus == statuses[code], "\(code)")
                }
                // None of the refused requests (except the one billing turned down) left a job behind or charged anything.
                let jobs = try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE workspace_id = ?", arguments: [Pipeline.workspace]) }
                #expect(jobs == jobsBefore)
                let debits = try await pipeline.database("billing").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit' AND workspace_id = 'ws-empty'") }
                #expect(debits == 0)
            }
        }
    }
}
