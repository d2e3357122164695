import Foundation
import GRDB
import Testing
import TestSupport

/// One workspace floods the API while another sends a few jobs: the flood is held to the noisy
/// workspace's limits with 429s that create and charge nothing, and the quiet workspace's jobs are
/// taken and finish as if it were alone.
@Suite("Fair under load", .serialized)
struct FairnessTests {
    static let noisy = "ws-noisy"
    static let limited: Set<String> = ["RATE_LIMITED", "TOO_MANY_ACTIVE_JOBS"]

    /// What a concurrent request brings back across tasks.
    struct Answer: Sendable {
        var status: Int
        var errorCode: String?
        var id: String?
        var headers: [String: String]

        init(_ reply: Pipeline.Reply) {
            status = reply.status
            errorCode = reply.errorCode
            id = reply.json["id"] as? String
            headers = reply.headers
        }
    }

    /// How many of the jobs have ended (completed or failed) by now.
    static func ended(_ ids: [String], key: String, in pipeline: Pipeline) async throws -> Int {
        var ended = 0
        for id in ids {
            let status = try await pipeline.get("/v1/videos/\(id)", key: key).json["status"] as? String
            if status == "completed" || status == "failed" { ended += 1 }
        }
        return ended
    }

    @Test("a noisy workspace over its limits gets 429s with Retry-After and RateLimit fields, creating and charging nothing; a quiet one's jobs all run")
    func noisyAndQuiet() async throws {
        try await Pipeline.with(environment: [
            "INGRESS_ADMIN_TOKEN": AdminGrantTests.adminToken,
            "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):10000,\(Self.noisy):10000",
        ]) { pipeline in
            let admin = ["Authorization": "Bearer \(AdminGrantTests.adminToken)", "Content-Type": "application/json"]
            let created = try await pipeline.postJSON("/v1/admin/workspaces/\(Self.noisy)/api-keys", "{}", bearer: AdminGrantTests.adminToken)
            let noisyKey = try #require(created.json["key"] as? String, "\(created.json)")
            let set = try await pipeline.send("PUT", "/v1/admin/workspaces/\(Self.noisy)/limits",
                                              body: Data(#"{"jobs_per_minute": 30, "burst": 6, "max_active_jobs": 3}"#.utf8), headers: admin)
            #expect(set.status == 200 && set.json["max_active_jobs"] as? Int == 3 && set.json["burst"] as? Int == 6, "\(set.json)")
            let shown = try await pipeline.send("GET", "/v1/admin/workspaces/\(Self.noisy)/limits", headers: admin)
            #expect(shown.json["jobs_per_minute"] as? Int == 30, "\(shown.json)")
            let quietLimits = try await pipeline.send("GET", "/v1/admin/workspaces/\(Pipeline.workspace)/limits", headers: admin)
            #expect(quietLimits.json["jobs_per_minute"] as? Int == 600 && quietLimits.json["max_active_jobs"] as? Int == 200, "\(quietLimits.json)")

            let photo = try Data(contentsOf: BuiltProducts.samplePhoto)
            let fields: [(String, String)] = [("video_type", "camera_motion"), ("camera_motion", "zoom_in"), ("duration", "2")]
            // 40 requests at once from the noisy workspace, and the quiet one's five among them.
            let (flood, quiet) = try await withThrowingTaskGroup(of: (Bool, Answer).self) { group in
                for _ in 0..<40 {
                    group.addTask { (true, Answer(try await pipeline.submit(fields: fields, image: photo, key: noisyKey))) }
                }
                for _ in 0..<5 {
                    group.addTask { (false, Answer(try await pipeline.submit(fields: fields, image: photo))) }
                }
                var flood: [Answer] = []
                var quiet: [Answer] = []
                for try await (isNoisy, reply) in group {
                    if isNoisy { flood.append(reply) } else { quiet.append(reply) }
                }
                return (flood, quiet)
            }
            #expect(quiet.allSatisfy { $0.status == 202 }, "\(quiet.map { ($0.status, $0.errorCode) })")
            let accepted = flood.filter { $0.status == 202 }
            let refused = flood.filter { $0.status == 429 }
            #expect(accepted.count + refused.count == flood.count, "\(flood.map(\.status))")
            // At most max_active_jobs in flight at any moment: a fourth gets in only once one of the
            // first has ended (a 2 s render can end while the flood is still being answered).
            let endedDuringFlood = try await Self.ended(accepted.compactMap(\.id), key: noisyKey, in: pipeline)
            #expect(accepted.count >= 1 && accepted.count <= 3 + endedDuringFlood,
                    "at most max_active_jobs of the flood in flight: \(accepted.count) accepted, \(endedDuringFlood) ended")
            for reply in refused {
                #expect(Self.limited.contains(reply.errorCode ?? ""), "\(reply.status) \(reply.errorCode ?? "")")
                #expect(Int(reply.headers["retry-after"] ?? "") ?? 0 >= 1, "\(reply.headers)")
                #expect(reply.headers["ratelimit-policy"]?.hasPrefix("\"") == true && reply.headers["ratelimit"]?.contains(";r=0") == true,
                        "\(reply.headers)")
            }
            #expect(refused.contains { $0.errorCode == "RATE_LIMITED" } && refused.contains { $0.errorCode == "TOO_MANY_ACTIVE_JOBS" },
                    "both limits held the flood back: \(Set(refused.compactMap(\.errorCode)))")
            // The quiet workspace's jobs all finish; so do the noisy one's few.
            let quietIDs = quiet.compactMap(\.id)
            var noisyIDs = accepted.compactMap(\.id)
            #expect(quietIDs.count == quiet.count && noisyIDs.count == accepted.count)
            for id in quietIDs {
                #expect(try await pipeline.finishedJob(id)["status"] as? String == "completed", "quiet job \(id)")
            }
            for id in noisyIDs {
                #expect(try await pipeline.finishedJob(id, key: noisyKey)["status"] as? String == "completed", "noisy job \(id)")
            }
            // With its jobs done and its bucket refilled, the noisy workspace is let in again.
            let again = try await eventually("the noisy workspace admitted again", timeout: .seconds(60)) {
                let reply = try await pipeline.submit(fields: fields, image: photo, key: noisyKey)
                return reply.status == 202 ? reply : nil
            }
            noisyIDs.append(try #require(again.json["id"] as? String))
            // A compatibility API refuses in its own shape, with the same fields: one job a minute, and
            // that one taken.
            _ = try await pipeline.send("PUT", "/v1/admin/workspaces/\(Self.noisy)/limits", body: Data(#"{"jobs_per_minute": 1, "burst": 1}"#.utf8), headers: admin)
            let taken = try await pipeline.submit(fields: fields, image: photo, key: noisyKey)
            noisyIDs.append(try #require(taken.json["id"] as? String, "\(taken.json)"))
            let openAI = try await pipeline.postJSON("/openai/v1/videos", #"{"prompt": "a loft at dusk"}"#, bearer: noisyKey)
            #expect(openAI.status == 429 && openAI.headers["retry-after"] != nil && openAI.headers["ratelimit"] != nil, "\(openAI.status) \(openAI.json)")
            #expect((openAI.json["error"] as? [String: Any])?["code"] as? String == "RATE_LIMITED", "\(openAI.json)")
            for id in noisyIDs.suffix(2) {
                #expect(try await pipeline.finishedJob(id, key: noisyKey)["status"] as? String == "completed", "noisy job \(id)")
            }

            // Refusals created nothing and charged nothing: the noisy workspace has exactly its accepted jobs, each debited once.
            let noisyJobs = try await pipeline.database("api-ingress").read { db in
                try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE workspace_id = ?", arguments: [Self.noisy])
            }
            #expect(Set(noisyJobs) == Set(noisyIDs))
            let debits = try await eventually("each accepted job debited") {
                let debits = try pipeline.database("billing").read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit' AND workspace_id = ?", arguments: [Self.noisy]) ?? 0
                }
                return debits >= noisyIDs.count ? debits : nil
            }
            #expect(debits == noisyIDs.count)

            let reset = try await pipeline.send("DELETE", "/v1/admin/workspaces/\(Self.noisy)/limits", headers: admin)
            #expect(reset.status == 200 && reset.json["max_active_jobs"] as? Int == 200, "\(reset.json)")
        }
    }
}
