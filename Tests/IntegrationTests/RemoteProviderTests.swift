import Foundation
import GRDB
import ProviderSim
import Signing
import Testing
import TestSupport

/// The five executables against `provider-sim` on loopback: every remote provider's real client, its
/// completion channel, and each fault the simulator can play, ending in the right state with exactly
/// one debit.
@Suite("Remote providers through provider-sim", .serialized)
struct RemoteProviderTests {
    struct Scenario: Sendable {
        var name: String
        var model: String
        var duration: Int
        var faults = SimulatorFaults()
        var status = "completed"
        var errorCode: String?
    }

    @Test("each provider completes through its own channel, and every fault ends right with one debit")
    func providersAndFaults() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secret = StandardWebhookSignature.generateSecret()
        let simulator = ProviderSimulator(configuration: .init(webhookSecret: secret, workDirectory: directory.url.appendingPathComponent("sim")))
        try await withRunningServices([simulator]) {
            let base = await simulator.baseURL().absoluteString
            // Reconciliation comes after 30 s: long enough that a webhook beats it even while the rest of
            // the suite (several whole pipelines at once) loads both cores, so "never polled" holds; the
            // lost-webhook cases wait for it.
            // The time limit is 90 s: the simulator renders each video with ffmpeg, and while the
            // renderer's own tests load both cores, a first job took over 30 s end to end.
            let environment = [
                "REPLICATE_API_TOKEN": "r8_sim", "REPLICATE_WEBHOOK_SECRET": secret, "KLING_ACCESS_KEY": "sim-access", "KLING_SECRET_KEY": "sim-kling-secret-key-of-32-bytes-or-more",
                "GOOGLE_API_KEY": "sim-google", "LUMA_API_KEY": "sim-luma", "RUNWAYML_API_SECRET": "sim-runway",
                "REPLICATE_BASE_URL": base, "KLING_BASE_URL": base, "GOOGLE_VEO_BASE_URL": base, "LUMA_BASE_URL": base, "RUNWAY_BASE_URL": base,
                "UPLOAD_FETCH_ALLOW": "127.0.0.1/32", "BRIDGE_RECONCILE_AFTER_SECONDS": "30", "GENERATION_TIMEOUT_SECONDS": "90",
                "BRIDGE_POLL_INTERVAL_MS": "300", "BRIDGE_RETRY_BASE_MS": "200", "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):100000",
            ]
            try await Pipeline.with(environment: environment) { pipeline in
                try await exercise(pipeline, simulator)
            }
        }
    }

    private func exercise(_ pipeline: Pipeline, _ simulator: ProviderSimulator) async throws {
        // Each provider, well behaved. Runway first: it is polled, so it may take as long as the loaded
        // machine needs to render the simulator's first clip. The webhook providers after it ask for the
        // same clip, get it from the simulator's cache, and so call back well before reconciliation.
        _ = try await run(Scenario(name: "runway", model: "runway-gen4-turbo", duration: 5), pipeline, simulator)
        #expect(simulator.stats.statusReads["runway", default: 0] >= 1)
        // Wan and Kling v3.0 are sent the photo cropped to the ratio, a clip the simulator has not made:
        // a first job makes it (and may be polled while the loaded machine renders it), so that the
        // jobs checked for "never polled" get it from the cache.
        _ = try await run(Scenario(name: "replicate, first clip", model: "wan2.1-i2v-720p", duration: 5), pipeline, simulator)
        let readsBefore = simulator.stats.statusReads["replicate", default: 0]
        let replicate = try await run(Scenario(name: "replicate", model: "wan2.1-i2v-720p", duration: 5), pipeline, simulator)
        let checks = try statusChecks(job: replicate, pipeline)
        #expect(checks == 0, "a webhook provider whose webhook arrives is never polled")
        #expect(simulator.stats.statusReads["replicate", default: 0] == readsBefore)

        _ = try await run(Scenario(name: "kling", model: "kling-v3.0", duration: 5), pipeline, simulator)
        #expect(simulator.stats.statusReads["kling", default: 0] == 1, "one GET confirms the unsigned callback")
        _ = try await run(Scenario(name: "luma", model: "luma-ray3", duration: 5), pipeline, simulator)
        #expect(simulator.stats.statusReads["luma", default: 0] == 1)
        let veo = try await run(Scenario(name: "veo", model: "veo3-fast", duration: 8), pipeline, simulator)
        #expect(try statusChecks(job: veo, pipeline) >= 1, "Veo has no webhooks: polled")
        #expect(simulator.stats.outputReads["200", default: 0] >= 5)

        // Faults, one at a time.
        let sentBefore = simulator.stats.webhooksSent["replicate", default: 0]
        _ = try await run(Scenario(name: "duplicate webhooks", model: "wan2.1-i2v-720p", duration: 5,
                                   faults: .with { $0.duplicateWebhooks = true }), pipeline, simulator)
        try await eventually("both deliveries", timeout: .seconds(60)) {
            simulator.stats.webhooksSent["replicate", default: 0] >= sentBefore + 2 ? true : nil
        }

        let lost = try await run(Scenario(name: "lost webhook", model: "wan2.1-i2v-720p", duration: 5,
                                          faults: .with { $0.loseWebhooks = true }), pipeline, simulator)
        #expect(try statusChecks(job: lost, pipeline) >= 1, "reconciliation found the result")

        _ = try await run(Scenario(name: "late webhook", model: "kling-v3.0", duration: 5,
                                   faults: .with { $0.webhookDelayMilliseconds = 2000 }), pipeline, simulator)

        let sentBeforeReorder = simulator.stats.webhooksSent["replicate", default: 0]
        let reordered = try await run(Scenario(name: "out of order", model: "wan2.1-i2v-720p", duration: 5,
                                               faults: .with { $0.outOfOrderWebhooks = true }), pipeline, simulator)
        try await eventually("the terminal and the stale webhook", timeout: .seconds(60)) {
            simulator.stats.webhooksSent["replicate", default: 0] >= sentBeforeReorder + 2 ? true : nil
        }
        #expect(try await pipeline.finishedJob(reordered)["status"] as? String == "completed", "a terminal state never goes back")

        let forged = try await run(Scenario(name: "bad signatures", model: "wan2.1-i2v-720p", duration: 5,
                                            faults: .with { $0.badSignatures = true }), pipeline, simulator)
        #expect(try statusChecks(job: forged, pipeline) >= 1, "badly signed webhooks were refused; reconciliation ended the job")

        _ = try await run(Scenario(name: "429 on create", model: "wan2.1-i2v-720p", duration: 5,
                                   faults: .with { $0.rateLimitedCreates = 2 }), pipeline, simulator)
        _ = try await run(Scenario(name: "503 on create", model: "runway-gen4-turbo", duration: 5,
                                   faults: .with { $0.failedCreates = 2 }), pipeline, simulator)

        _ = try await run(Scenario(name: "succeeded with no output", model: "wan2.1-i2v-720p", duration: 5,
                                   faults: .with { $0.succeedWithoutOutput = true },
                                   status: "failed", errorCode: "OUTPUT_UNAVAILABLE"), pipeline, simulator)
        _ = try await run(Scenario(name: "expired output", model: "luma-ray3", duration: 5,
                                   faults: .with { $0.outputLifetimeMilliseconds = 0 },
                                   status: "failed", errorCode: "OUTPUT_UNAVAILABLE"), pipeline, simulator)
        _ = try await run(Scenario(name: "moderation", model: "veo3-fast", duration: 8, faults: .with { $0.moderate = true },
                                   status: "failed", errorCode: "CONTENT_REJECTED"), pipeline, simulator)
        _ = try await run(Scenario(name: "never finishes", model: "kling-v3.0", duration: 5, faults: .with { $0.neverFinish = true },
                                   status: "failed", errorCode: "GENERATION_TIMEOUT"), pipeline, simulator)
        // Last: a refused credential opens the provider's circuit breaker.
        _ = try await run(Scenario(name: "credentials refused", model: "luma-ray3", duration: 5,
                                   faults: .with { $0.rejectCredentials = true },
                                   status: "failed", errorCode: "PROVIDER_AUTH_FAILED"), pipeline, simulator)
    }

    /// Submits one job with the scenario's faults armed and checks how it ends; returns the job id.
    private func run(_ scenario: Scenario, _ pipeline: Pipeline, _ simulator: ProviderSimulator) async throws -> String {
        simulator.setFaults(scenario.faults)
        let reply = try await pipeline.submit(fields: [("model", scenario.model), ("duration", "\(scenario.duration)"),
                                                       ("prompt", "A bright living room"), ("aspect_ratio", "16:9")])
        try #require(reply.status == 202, "\(scenario.name): \(String(decoding: reply.body, as: UTF8.self))")
        let id = try #require(reply.json["id"] as? String)
        let job = try await pipeline.finishedJob(id, timeout: .seconds(180))
        let error = job["error"] as? [String: Any]
        #expect(job["status"] as? String == scenario.status, "\(scenario.name): \(job)")
        #expect(error?["code"] as? String == scenario.errorCode, "\(scenario.name): \(job)")
        #expect(try pipeline.debitCount(job: id) == 1, "\(scenario.name): exactly one debit")
        return id
    }

    private func statusChecks(job: String, _ pipeline: Pipeline) throws -> Int {
        try pipeline.database("provider-bridge").read { db in
            try Int.fetchOne(db, sql: "SELECT status_checks FROM predictions WHERE job_id = ?", arguments: [job]) ?? -1
        }
    }
}
