import Foundation
import GRDB
import Testing
import TestSupport

/// The sharded services (model-router, billing, provider-bridge, storage-uploader) run as several replicas, each
/// a process of its own on one data folder, while jobs flow: replicas are killed (SIGKILL) and
/// restarted, added and removed, so their consumer groups rebalance and shards move between them.
/// Every job still ends completed with one debit and one stored video, the ledger verifies, and
/// every shard is owned by a replica that is running. `ROOMREEL_SCALE_JOBS` sizes the run.
@Suite("Scale-out: replicas of the sharded services")
struct ScaleOutTests {
    static let sharded = ["model-router", "billing", "provider-bridge", "storage-uploader"]

    @Test("replicas of the four sharded services killed, added and removed while jobs flow: every job completes once, every shard owned by a live replica, the ledger whole")
    func replicasWhileJobsFlow() async throws {
        let jobCount = Int(ProcessInfo.processInfo.environment["ROOMREEL_SCALE_JOBS"] ?? "") ?? 18
        try await Pipeline.with(environment: [
            "INGRESS_JOBS_PER_MINUTE": "0", "INGRESS_MAX_ACTIVE_JOBS": "0",
            "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):1000000",
        ]) { pipeline in
            for service in Self.sharded { try pipeline.start(service, replica: "1") }
            let photos = try ChaosTests.distinctPhotos(jobCount, in: pipeline.directory.url)
            // What happens to the replicas after each third of the jobs is sent.
            let disruptions: [[(String, Disruption)]] = [
                [("billing", .crash), ("storage-uploader#2", .add), ("model-router#1", .remove), ("provider-bridge", .crash)],
                [("storage-uploader#1", .crash), ("billing#2", .add), ("model-router", .crash), ("provider-bridge#2", .add)],
                [("billing#1", .remove), ("storage-uploader", .crash), ("model-router#1", .add), ("provider-bridge#1", .remove)],
            ]
            var ids: [String] = []
            for (third, steps) in disruptions.enumerated() {
                for n in (jobCount * third / 3)..<(jobCount * (third + 1) / 3) {
                    let reply = try await pipeline.submit(
                        fields: [("video_type", "camera_motion"), ("camera_motion", "zoom_in"), ("duration", "2"), ("workspace_id", Pipeline.workspace)],
                        image: photos[n])
                    try #require(reply.status == 202, "job \(n): \(reply.json)")
                    ids.append(try #require(reply.json["id"] as? String))
                }
                for (name, disruption) in steps { try await disruption.apply(to: name, in: pipeline) }
            }

            for (n, id) in ids.enumerated() {
                let job = try await pipeline.finishedJob(id, timeout: .seconds(600))
                #expect(job["status"] as? String == "completed", "job \(n): \(job)")
                #expect(try pipeline.debitCount(job: id) == 1, "job \(n) \(id)")
                #expect(try ChaosTests.storedVideos(of: id, in: pipeline.directory.url) == 1, "job \(n) \(id)")
            }
            let verify = try runTool(BuiltProducts.executable("roomreel").path, ["ledger", "verify", "--data-dir", pipeline.directory.url.path])
            #expect(verify.status == 0, "\(verify.output)")
            // Replicas running at the end: model-router 0 and 1, billing 0 and 2, provider-bridge 0 and 2, storage-uploader 0, 1 and 2.
            let running = ["model-router": ["0", "1"], "billing": ["0", "2"], "provider-bridge": ["0", "2"], "storage-uploader": ["0", "1", "2"]]
            for service in Self.sharded {
                let owners = pipeline.shardOwners(service)
                #expect(owners.count == 3 && owners.allSatisfy { running[service]!.contains($0) }, "\(service) shards owned by \(owners)")
            }
        }
    }

    enum Disruption {
        /// SIGKILL, then start it again.
        case crash
        /// Start a further replica.
        case add
        /// SIGTERM: it leaves its groups and is not started again.
        case remove

        /// `name` is a service, or `<service>#<replica>`.
        func apply(to name: String, in pipeline: Pipeline) async throws {
            let parts = name.split(separator: "#").map(String.init)
            let replica = parts.count > 1 ? parts[1] : nil
            switch self {
            case .crash:
                try await pipeline.process(name).crash()
                try pipeline.start(parts[0], replica: replica)
            case .add:
                try pipeline.start(parts[0], replica: replica)
            case .remove:
                #expect(await pipeline.process(name).stop(), "\(name) did not stop gracefully")
            }
        }
    }
}
