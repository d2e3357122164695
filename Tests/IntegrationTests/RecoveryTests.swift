import EventContracts
import Foundation
import GRDB
import Testing
import TestSupport

/// A service killed with SIGKILL and started again must take its partitions back and consume the
/// events that arrived while it was down, rather than wait for the group to notice its dead
/// predecessor. `ROOMREEL_RECOVERY_KILLS` sets how many kills a run makes (one per service by
/// default; `Benchmarks/recovery/run.sh` makes 20 and writes the times to
/// `ROOMREEL_RECOVERY_REPORT`).
@Suite("Recovery after a crash")
struct RecoveryTests {
    /// Each stage's service and the event of a job that it consumes next.
    private static let stages: [(service: String, waitsFor: EventType)] = [
        ("model-router", .videoRequested), ("billing", .videoRouted), ("provider-bridge", .creditsDebited),
        ("storage-uploader", .videoGenerated), ("api-ingress", .videoStored),
    ]

    @Test("each service, killed and restarted, consumes the events that waited for it; every job completes, debited once")
    func killedAndRestarted() async throws {
        let environment = ProcessInfo.processInfo.environment
        let kills = Int(environment["ROOMREEL_RECOVERY_KILLS"] ?? "") ?? Self.stages.count
        // Webhooks go to a closed port: what matters is the message api-ingress saved for each job.
        try await Pipeline.with(environment: ["INGRESS_FETCH_ALLOW": "127.0.0.1/32"]) { pipeline in
            var samples: [(service: String, seconds: Double)] = []
            for round in 0..<kills {
                let stage = Self.stages[round % Self.stages.count]
                let fields = [("video_type", "camera_motion"), ("camera_motion", "pan_left_right"), ("workspace_id", Pipeline.workspace),
                              ("duration", "2"), ("webhook_url", "http://127.0.0.1:9/hook")]
                let id: String
                if stage.service == "api-ingress" {
                    // api-ingress must accept the job and publish it before it dies (a job still in its
                    // outbox would wait for the restart); the rest of the pipeline runs without it. Its
                    // outbox is read rather than the cluster: a new reader joins its group too slowly to
                    // catch the job before it ends.
                    let accepted = try await pipeline.submit(fields: fields)
                    id = try #require(accepted.json["id"] as? String, "\(accepted.json)")
                    _ = try await eventually("api-ingress to publish job \(id)") {
                        try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") } == 0 ? true : nil
                    }
                    try await pipeline.process(stage.service).crash()
                } else {
                    try await pipeline.process(stage.service).crash()
                    let accepted = try await pipeline.submit(fields: fields)
                    id = try #require(accepted.json["id"] as? String, "\(accepted.json)")
                }
                try await pipeline.awaitEventOnKafka(job: id, type: stage.waitsFor)

                let restarted = Date()
                let process = try pipeline.start(stage.service)
                if stage.service == "api-ingress" {
                    let announced = try await process.line(startingWith: "api-ingress listening on port ")
                    pipeline.useIngressPort(String(announced.split(separator: " ").last!))
                }
                let consumed = try await eventually("\(stage.service) to consume \(stage.waitsFor.rawValue) of job \(id)", timeout: .seconds(120)) {
                    try await pipeline.database(stage.service).read { db in
                        try Date.fetchOne(db, sql: "SELECT MIN(processed_at) FROM inbox WHERE event_type = ? AND processed_at >= ?",
                                          arguments: [stage.waitsFor.rawValue, restarted])
                    }
                }
                samples.append((stage.service, consumed.timeIntervalSince(restarted)))

                let job = try await pipeline.finishedJob(id)
                #expect(job["status"] as? String == "completed", "round \(round), \(stage.service) killed: \(job)")
                #expect(job["credits_debited"] as? Int == 1, "round \(round): \(job)")
                #expect(try pipeline.debitCount(job: id) == 1)
                // The webhook, saved when the job finished, shows the job as it ended: never half of it.
                let saved = try await pipeline.database("api-ingress").read { db in
                    try Data.fetchOne(db, sql: "SELECT payload FROM webhook_deliveries WHERE job_id = ?", arguments: [id])
                }
                let message = try saved.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                let hooked = try #require(message?["data"] as? [String: Any], "round \(round): no webhook saved for \(id)")
                for field in ["status", "credits_debited", "provider_prediction_id", "model", "provider"] {
                    #expect(hooked[field].map { "\($0)" } == job[field].map { "\($0)" }, "round \(round): webhook \(field) \(hooked) vs \(job)")
                }
                #expect(hooked["provider_prediction_id"] as? String != nil && hooked["video_url"] as? String != nil, "\(hooked)")
            }
            let verify = try runTool(BuiltProducts.executable("roomreel").path, ["ledger", "verify", "--data-dir", pipeline.directory.url.path])
            #expect(verify.status == 0, "\(verify.output)")
            try Self.report(samples, to: environment["ROOMREEL_RECOVERY_REPORT"])
        }
    }

    /// One line per kill: the service and the seconds from its restart to its first event consumed.
    private static func report(_ samples: [(service: String, seconds: Double)], to path: String?) throws {
        let lines = samples.map { "\($0.service) \(String(format: "%.3f", $0.seconds))" }
        print("restart to first event consumed:\n" + lines.joined(separator: "\n"))
        guard let path, !path.isEmpty else { return }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }
}
