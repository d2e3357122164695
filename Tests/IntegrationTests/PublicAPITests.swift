import Foundation
import GRDB
import OutboundHTTP
import Testing
import TestSupport

@Suite("The public API across the services", .serialized)
struct PublicAPITests {
    static let adminToken = AdminGrantTests.adminToken
    static let jwtSecret = "jwt-secret-for-the-integration-tests-0123456789"

    static func photoJSON(duration: Int = 3, extra: String = "") throws -> String {
        let photo = try Data(contentsOf: BuiltProducts.samplePhoto).base64EncodedString()
        return #"{"video_type":"camera_motion","camera_motion":"zoom_in","duration":\#(duration),"image_base64":"\#(photo)"\#(extra)}"#
    }

    func jobCount(_ pipeline: Pipeline, workspace: String = Pipeline.workspace) async throws -> Int {
        try await pipeline.database("api-ingress").read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE workspace_id = ?", arguments: [workspace]) ?? 0
        }
    }

    @Test("Idempotency-Key replays the first answer and creates nothing; Prefer: wait answers with the finished job or billing's 402; lists page newest first; balance and ledger follow billing")
    func idempotencyWaitListsAndLedger() async throws {
        try await Pipeline.with(environment: ["INGRESS_ADMIN_TOKEN": Self.adminToken]) { pipeline in
            let body = try Self.photoJSON()
            let first = try await pipeline.postJSON("/v1/videos", body, bearer: pipeline.apiKey,
                                                    headers: ["Idempotency-Key": "order-1", "Prefer": "respond-async, wait=60"])
            #expect(first.status == 200 && first.json["status"] as? String == "completed", "\(first.status) \(first.json)")
            #expect(first.headers["preference-applied"] == "wait=60")
            let id = try #require(first.json["id"] as? String)

            // The same request again (keys in another order): the first answer, nothing new.
            let photo = try Data(contentsOf: BuiltProducts.samplePhoto).base64EncodedString()
            let reordered = #"{"image_base64":"\#(photo)","duration":3,"camera_motion":"zoom_in","video_type":"camera_motion"}"#
            let replay = try await pipeline.postJSON("/v1/videos", reordered, bearer: pipeline.apiKey, headers: ["Idempotency-Key": "order-1"])
            #expect(replay.status == 202 && replay.json["id"] as? String == id && replay.headers["idempotent-replayed"] == "true", "\(replay.json)")
            // The same key with another request: refused with its own code.
            let conflict = try await pipeline.postJSON("/v1/videos", try Self.photoJSON(duration: 4), bearer: pipeline.apiKey,
                                                       headers: ["Idempotency-Key": "order-1"])
            #expect(conflict.status == 422 && conflict.errorCode == "IDEMPOTENCY_KEY_REUSED", "\(conflict.json)")
            let badKey = try await pipeline.postJSON("/v1/videos", body, bearer: pipeline.apiKey, headers: ["Idempotency-Key": String(repeating: "k", count: 256)])
            #expect(badKey.status == 400 && badKey.errorCode == "INVALID_REQUEST")
            #expect(try await jobCount(pipeline) == 1)
            #expect(try pipeline.debitCount(job: id) == 1)

            // The same key and photo as multipart (another boundary, another order): still the same request.
            let sample = try Data(contentsOf: BuiltProducts.samplePhoto)
            var multipartIDs: [String] = []
            for fields in [[("video_type", "camera_motion"), ("camera_motion", "pan_up"), ("duration", "3")],
                           [("duration", "3"), ("camera_motion", "pan_up"), ("video_type", "camera_motion")]] {
                let reply = try await pipeline.submitWithHeaders(fields: fields, files: [("image", sample)], headers: ["Idempotency-Key": "order-2"])
                #expect(reply.status == 202, "\(reply.json)")
                multipartIDs.append(try #require(reply.json["id"] as? String))
            }
            #expect(multipartIDs[0] == multipartIDs[1])

            // Three more jobs, then page through all five, newest first.
            var created = [id, multipartIDs[0]]
            for motion in ["zoom_out", "pan_down", "rotate_cw"] {
                let reply = try await pipeline.postJSON("/v1/videos", body.replacingOccurrences(of: "zoom_in", with: motion), bearer: pipeline.apiKey)
                created.append(try #require(reply.json["id"] as? String))
            }
            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await pipeline.get("/v1/videos?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200, "\(page.json)")
                let data = try #require(page.json["data"] as? [[String: Any]])
                #expect(data.count <= 2)
                listed += data.compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
                #expect((page.json["has_more"] as? Bool) == (cursor != nil))
            } while cursor != nil
            #expect(listed == created.reversed(), "\(listed) vs \(created)")
            for job in created { _ = try await pipeline.finishedJob(job) }
            let completed = try await pipeline.get("/v1/videos?status=completed&limit=100&workspace_id=\(Pipeline.workspace)")
            #expect((completed.json["data"] as? [[String: Any]])?.count == 5)
            let none = try await pipeline.get("/v1/videos?status=failed")
            #expect((none.json["data"] as? [[String: Any]])?.isEmpty == true)
            for bad in ["/v1/videos?status=done", "/v1/videos?limit=0", "/v1/videos?limit=101", "/v1/videos?cursor=not-a-cursor"] {
                let reply = try await pipeline.get(bad)
                #expect(reply.status == 400 && reply.errorCode == "INVALID_REQUEST", "\(bad): \(reply.json)")
            }
            let foreign = try await pipeline.get("/v1/videos?workspace_id=someone-else")
            #expect(foreign.status == 404 && foreign.errorCode == "NOT_FOUND")

            // The balance and ledger views agree with billing's ledger: the bootstrap grant and five debits.
            let billingBalance = try await pipeline.database("billing").read { db in
                try Int64.fetchOne(db, sql: "SELECT SUM(remaining) FROM grant_buckets WHERE workspace_id = ?", arguments: [Pipeline.workspace])
            }
            let balance = try await eventually("the balance view to catch up with six ledger entries") {
                let reply = try await pipeline.get("/v1/workspaces/\(Pipeline.workspace)/balance")
                return reply.json["ledger_sequence"] as? Int == 6 ? reply : nil
            }
            #expect(balance.json["balance"] as? Int64 == billingBalance, "\(balance.json) vs \(String(describing: billingBalance))")
            var entries: [[String: Any]] = []
            var ledgerCursor: String?
            repeat {
                let page = try await pipeline.get("/v1/workspaces/\(Pipeline.workspace)/ledger?limit=4" + (ledgerCursor.map { "&cursor=\($0)" } ?? ""))
                entries += try #require(page.json["data"] as? [[String: Any]])
                ledgerCursor = page.json["next_cursor"] as? String
            } while ledgerCursor != nil
            #expect(entries.compactMap { $0["sequence"] as? Int } == [6, 5, 4, 3, 2, 1])
            #expect(entries.last?["kind"] as? String == "grant" && entries.last?["credits"] as? Int64 == Pipeline.credits)
            #expect(Set(entries.dropLast().compactMap { $0["job_id"] as? String }) == Set(created))
            #expect(entries.first?["balance_after"] as? Int64 == billingBalance)
            let otherBalance = try await pipeline.get("/v1/workspaces/someone-else/balance")
            #expect(otherBalance.status == 404 && otherBalance.errorCode == "NOT_FOUND")
            let otherLedger = try await pipeline.get("/v1/workspaces/someone-else/ledger")
            #expect(otherLedger.status == 404)

            // A workspace with no credits, waiting: billing's rejection comes back as a 402 with the numbers.
            let keyReply = try await pipeline.postJSON("/v1/admin/workspaces/ws-poor/api-keys", #"{"name": "integration"}"#, bearer: Self.adminToken)
            #expect(keyReply.status == 201, "\(keyReply.json)")
            // A name that is not a string is refused, `null` as much as a number; an absent one is no name.
            for bad in [#"{"name": null}"#, #"{"name": 5}"#] {
                let refusedName = try await pipeline.postJSON("/v1/admin/workspaces/ws-poor/api-keys", bad, bearer: Self.adminToken)
                #expect(refusedName.status == 400 && refusedName.errorCode == "INVALID_REQUEST", "\(bad): \(refusedName.json)")
            }
            let unnamed = try await pipeline.postJSON("/v1/admin/workspaces/ws-poor/api-keys", "{}", bearer: Self.adminToken)
            #expect(unnamed.status == 201 && unnamed.json["name"] == nil, "\(unnamed.json)")
            let poorKey = try #require(keyReply.json["key"] as? String)
            let refused = try await pipeline.postJSON("/v1/videos", body, bearer: poorKey, headers: ["Prefer": "wait=60"])
            #expect(refused.status == 402 && refused.errorCode == "INSUFFICIENT_CREDITS", "\(refused.json)")
            let details = (refused.json["error"] as? [String: Any])?["details"] as? [String: Any]
            #expect(details?["required"] as? Int == 1 && details?["balance"] as? Int == 0, "\(refused.json)")
            #expect(try await jobCount(pipeline, workspace: "ws-poor") == 1)
        }
    }
}

extension Pipeline {
    /// `POST /v1/videos` as multipart with extra headers.
    func submitWithHeaders(fields: [(String, String)], files: [(field: String, data: Data)], headers: [String: String]) async throws -> Reply {
        let form = MultipartBody(fields: fields, files: files.map { (name: $0.field, filename: "room.jpg", contentType: "image/jpeg", data: $0.data) })
        var all = headers
        all["Authorization"] = "Bearer \(apiKey)"
        all["Content-Type"] = form.contentType
        return try await send("POST", "/v1/videos", body: form.data, headers: all)
    }
}
