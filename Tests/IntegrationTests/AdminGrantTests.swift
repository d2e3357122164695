import Foundation
import GRDB
import Testing
import TestSupport

@Suite("Admin grants across the services", .serialized)
struct AdminGrantTests {
    static let adminToken = "rr_admin_" + String(repeating: "7", count: 32)

    static func errorCode(_ reply: Pipeline.Reply) -> String? {
        (reply.json["error"] as? [String: Any])?["code"] as? String
    }

    @Test("an admin grant travels to billing's ledger once, however often it is sent; bad tokens and bodies are refused and grant nothing")
    func grantReachesLedgerOnce() async throws {
        try await Pipeline.with(environment: ["INGRESS_ADMIN_TOKEN": Self.adminToken]) { pipeline in
            let path = "/v1/admin/workspaces/\(Pipeline.workspace)/grants"
            let noToken = try await pipeline.postJSON(path, #"{"credits": 50}"#, bearer: nil)
            #expect(noToken.status == 401 && Self.errorCode(noToken) == "UNAUTHORIZED")
            let wrongToken = try await pipeline.postJSON(path, #"{"credits": 50}"#, bearer: Self.adminToken + "x")
            #expect(wrongToken.status == 401 && Self.errorCode(wrongToken) == "UNAUTHORIZED")
            let apiKeyIsNotAdmin = try await pipeline.postJSON(path, #"{"credits": 50}"#, bearer: pipeline.apiKey)
            #expect(apiKeyIsNotAdmin.status == 401)

            for body in [#"{"credits": 0}"#, #"{"credits": -5}"#, #"{"credits": 10000001}"#, #"{"credits": 1.5}"#, "credits=5", "{}",
                         #"{"credits": 5, "expires_in_days": 0}"#, #"{"credits": 5, "expires_at": "2001-01-01T00:00:00Z"}"#,
                         #"{"credits": 5, "expires_at": "soon"}"#, #"{"credits": 5, "expires_at": "2099-01-01T00:00:00Z", "expires_in_days": 3}"#] {
                let refused = try await pipeline.postJSON(path, body, bearer: Self.adminToken)
                #expect(refused.status == 400 && Self.errorCode(refused) == "INVALID_REQUEST", "\(body) → \(refused.status) \(refused.json)")
            }
            let badWorkspace = try await pipeline.postJSON("/v1/admin/workspaces/a%20b/grants", #"{"credits": 5}"#, bearer: Self.adminToken)
            #expect(badWorkspace.status == 400)

            // The same request twice under one Idempotency-Key: one grant.
            var grantIDs: [String] = []
            for _ in 0..<2 {
                let accepted = try await pipeline.postJSON(path, #"{"credits": 50, "expires_in_days": 30, "reason": "top-up"}"#,
                                                           bearer: Self.adminToken, headers: ["Idempotency-Key": "order-1234"])
                #expect(accepted.status == 202, "\(accepted.json)")
                #expect(accepted.json["credits"] as? Int == 50 && accepted.json["expires_at"] is String)
                grantIDs.append(try #require(accepted.json["grant_id"] as? String))
            }
            #expect(grantIDs[0] == grantIDs[1])
            let lasting = try await pipeline.postJSON(path, #"{"credits": 7}"#, bearer: Self.adminToken)
            #expect(lasting.status == 202)
            let lastingID = try #require(lasting.json["grant_id"] as? String)

            let grants = try await eventually("both grants in billing's ledger") {
                let rows = try pipeline.database("billing").read { db in
                    try Row.fetchAll(db, sql: "SELECT id, amount, expires_at_ms FROM ledger_entries WHERE kind = 'grant' AND id LIKE 'grant:admin:%' ORDER BY amount")
                }
                return rows.count >= 2 ? rows : nil
            }
            #expect(grants.map { $0["id"] as String } == [lastingID, grantIDs[0]])
            #expect(grants[1]["expires_at_ms"] as Int64? != nil && grants[0]["expires_at_ms"] as Int64? == nil)
            let balance = try await pipeline.database("billing").read { db in
                try Int64.fetchOne(db, sql: "SELECT SUM(remaining) FROM grant_buckets WHERE workspace_id = ?", arguments: [Pipeline.workspace])
            }
            #expect(balance == Pipeline.credits + 57)
            // Both requests and billing's one announcement of the grant went over Kafka.
            let events = try await pipeline.eventTypesOnKafka(job: grantIDs[0], atLeast: 3)
            #expect(events.filter { $0 == .creditsGrantRequested }.count == 2 && events.filter { $0 == .creditsGranted }.count == 1, "\(events)")
            #expect(try verifyChain(pipeline))

            // Without a configured token the admin API does not exist.
            await pipeline.process("api-ingress").stop()
            let restarted = try pipeline.start("api-ingress", environment: ["INGRESS_ADMIN_TOKEN": ""])
            let announcedPort = try await restarted.line(startingWith: "api-ingress listening on port ")
            pipeline.useIngressPort(String(announcedPort.split(separator: " ").last!))
            let off = try await pipeline.postJSON(path, #"{"credits": 5}"#, bearer: Self.adminToken)
            #expect(off.status == 404 && Self.errorCode(off) == "NOT_FOUND")
        }
    }

    private func verifyChain(_ pipeline: Pipeline) throws -> Bool {
        try runTool(BuiltProducts.executable("roomreel").path, ["ledger", "verify", "--data-dir", pipeline.directory.url.path]).status == 0
    }
}

@Suite("Insufficient credits across the services", .serialized)
struct InsufficientCreditsTests {
    @Test("a job the balance view shows cannot be paid is a 402 at once (required, balance), creating and debiting nothing; after a top-up the same request goes through")
    func rejectedThenToppedUp() async throws {
        try await Pipeline.with(environment: ["BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):1", "INGRESS_ADMIN_TOKEN": AdminGrantTests.adminToken]) { pipeline in
            let viewBalance = { try await pipeline.get("/v1/workspaces/\(Pipeline.workspace)/balance").json["balance"] as? Int }
            _ = try await eventually("the grant of 1 credit in api-ingress's view") { try await viewBalance() == 1 ? true : nil }
            let sample = try Data(contentsOf: BuiltProducts.samplePhoto)
            let fields = [("video_type", "before_after"), ("workspace_id", Pipeline.workspace), ("duration", "3")]
            let refused = try await pipeline.submit(fields: fields, files: [("before_image", sample), ("after_image", sample)])
            #expect(refused.status == 402 && refused.errorCode == "INSUFFICIENT_CREDITS", "\(refused.json)")
            let details = (refused.json["error"] as? [String: Any])?["details"] as? [String: Any]
            #expect(details?["required"] as? Int == 2 && details?["balance"] as? Int == 1, "\(refused.json)")
            let jobs = try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") }
            let debits = try await pipeline.database("billing").read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'")
            }
            #expect(jobs == 0 && debits == 0)

            let topUp = try await pipeline.postJSON("/v1/admin/workspaces/\(Pipeline.workspace)/grants", #"{"credits": 5}"#, bearer: AdminGrantTests.adminToken)
            #expect(topUp.status == 202)
            _ = try await eventually("the top-up in api-ingress's view") { try await viewBalance() == 6 ? true : nil }
            let accepted = try await pipeline.submit(fields: fields, files: [("before_image", sample), ("after_image", sample)])
            let acceptedID = try #require(accepted.json["id"] as? String)
            let job = try await pipeline.finishedJob(acceptedID)
            #expect(job["status"] as? String == "completed" && job["credits_debited"] as? Int == 2, "\(job)")
            let balance = try await pipeline.database("billing").read { db in
                try Int64.fetchOne(db, sql: "SELECT SUM(remaining) FROM grant_buckets WHERE workspace_id = ?", arguments: [Pipeline.workspace])
            }
            #expect(balance == 4)
        }
    }
}
