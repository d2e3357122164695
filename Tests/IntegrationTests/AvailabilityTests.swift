import Foundation
import ProviderSim
import Signing
import Testing
import TestSupport

/// Which providers can be served is learnt from provider-bridge's announcements, on a consumer of
/// its own in each service.
@Suite("Provider availability across the services", .serialized)
struct AvailabilityTests {
    @Test("a model-router that has not heard from any bridge holds a remote job until an announcement comes, then routes it: the wait does not block the announcement")
    func routerWaitsForAnnouncement() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secret = StandardWebhookSignature.generateSecret()
        let simulator = ProviderSimulator(configuration: .init(webhookSecret: secret, workDirectory: directory.url.appendingPathComponent("sim")))
        try await withRunningServices([simulator]) {
            let base = await simulator.baseURL().absoluteString
            let environment = [
                "KLING_ACCESS_KEY": "sim-access", "KLING_SECRET_KEY": "sim-kling-secret-key-of-32-bytes-or-more", "KLING_BASE_URL": base,
                "UPLOAD_FETCH_ALLOW": "127.0.0.1/32", "BRIDGE_ANNOUNCE_INTERVAL_SECONDS": "30",
                "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):1000",
            ]
            try await Pipeline.with(environment: environment) { pipeline in
                // A model-router with an empty database (a new replica's volume) whose consumer groups
                // have already read past the bridge's first announcement: it has heard from no bridge
                // until the renewal, 30 s after the first, while the job is already waiting for it.
                await pipeline.process("model-router").stop()
                for suffix in ["", "-wal", "-shm"] {
                    try? FileManager.default.removeItem(at: pipeline.directory.url.appendingPathComponent("model-router/replica-0.sqlite\(suffix)"))
                }
                let reply = try await pipeline.submit(fields: [("model", "kling-v3.0"), ("prompt", "A bright living room")])
                try #require(reply.status == 202, "\(reply.json)")
                let id = try #require(reply.json["id"] as? String)
                try pipeline.start("model-router")
                let job = try await pipeline.finishedJob(id, timeout: .seconds(150))
                #expect(job["status"] as? String == "completed", "\(job)")
                #expect(try pipeline.debitCount(job: id) == 1)
            }
        }
    }
}
