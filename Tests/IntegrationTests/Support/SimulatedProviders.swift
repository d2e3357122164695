import Foundation
import ProviderSim
import Signing
import TestSupport

/// Runs `body` with the five services pointed at an in-process provider-sim, every remote
/// provider's credentials set, once api-ingress has heard the bridge announce them.
func withSimulatedProviders(extra: [String: String] = [:], _ body: (Pipeline, ProviderSimulator) async throws -> Void) async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let secret = StandardWebhookSignature.generateSecret()
    let simulator = ProviderSimulator(configuration: .init(webhookSecret: secret, workDirectory: directory.url.appendingPathComponent("sim")))
    try await withRunningServices([simulator]) {
        let base = await simulator.baseURL().absoluteString
        let environment = [
            "REPLICATE_API_TOKEN": "r8_sim", "REPLICATE_WEBHOOK_SECRET": secret, "KLING_ACCESS_KEY": "sim-access",
            "KLING_SECRET_KEY": "sim-kling-secret-key-of-32-bytes-or-more",
            "GOOGLE_API_KEY": "sim-google", "LUMA_API_KEY": "sim-luma", "RUNWAYML_API_SECRET": "sim-runway",
            "REPLICATE_BASE_URL": base, "KLING_BASE_URL": base, "GOOGLE_VEO_BASE_URL": base, "LUMA_BASE_URL": base, "RUNWAY_BASE_URL": base,
            "UPLOAD_FETCH_ALLOW": "127.0.0.1/32", "BRIDGE_RECONCILE_AFTER_SECONDS": "60", "GENERATION_TIMEOUT_SECONDS": "240",
            "BRIDGE_POLL_INTERVAL_MS": "300", "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):100000",
        ].merging(extra) { $1 }
        try await Pipeline.with(environment: environment) { pipeline in try await body(pipeline, simulator) }
    }
}
