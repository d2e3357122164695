import Foundation
import GRDB
import Testing
import TestSupport

/// Every service runs as three replicas, each a process of its own on one data folder, over the
/// mock cluster's 3 brokers with 6 partitions a topic, while jobs of several workspaces flow. Jobs go
/// to the api-ingress replicas in turn; a third of them is sent again with the same `Idempotency-Key`
/// to another replica. Replicas of every service are killed (SIGKILL) and restarted, added and
/// removed, so their consumer groups rebalance and shards move between them. At the end every job
/// is completed with one debit and one stored video, a retried key made one job, every api-ingress
/// replica answers for every job, each job was submitted to its provider once, no grant is overdrawn,
/// the ledger verifies, and every shard is owned by a live replica.
/// `ROOMREEL_SCALE_JOBS` sizes the run (`make scale-out`: 300).
@Suite("Scale-out: three replicas of every service")
struct ScaleOutTests {
    static let partitions = 6
    static let workspaces = [Pipeline.workspace, "ws-scale-a", "ws-scale-b", "ws-scale-c"]

    @Test("three replicas of each of the five services, killed, added and removed while jobs flow: every job completes once, idempotent retries on another replica make no second job, every api-ingress replica finds every job, the ledger whole")
    func replicasWhileJobsFlow() async throws {
        let jobCount = Int(ProcessInfo.processInfo.environment["ROOMREEL_SCALE_JOBS"] ?? "") ?? 18
        try await Pipeline.with(environment: [
            "INGRESS_JOBS_PER_MINUTE": "0", "INGRESS_MAX_ACTIVE_JOBS": "0", "INGRESS_ADMIN_TOKEN": PublicAPITests.adminToken,
            "BILLING_BOOTSTRAP_GRANTS": Self.workspaces.map { "\($0):1000000" }.joined(separator: ","),
        ], partitions: Self.partitions) { pipeline in
            var ingress = Ingresses(pipeline: pipeline)
            for service in Pipeline.serviceNames {
                for replica in ["1", "2"] {
                    try pipeline.start(service, replica: replica)
                    if service == "api-ingress" { try await ingress.started("api-ingress#\(replica)") }
                }
            }
            for service in Pipeline.serviceNames { try await pipeline.awaitShards(service, count: Self.partitions) }
            // The other workspaces' keys, made through one replica, work on every one (keys.sqlite).
            var keys = [Pipeline.workspace: pipeline.apiKey]
            for workspace in Self.workspaces.dropFirst() {
                pipeline.useIngressURL(ingress.next())
                let reply = try await pipeline.postJSON("/v1/admin/workspaces/\(workspace)/api-keys", "", bearer: PublicAPITests.adminToken)
                keys[workspace] = try #require(reply.json["key"] as? String, "\(reply.json)")
            }

            let photos = try ChaosTests.distinctPhotos(jobCount, in: pipeline.directory.url)
            // What happens to the replicas after each third of the jobs is sent.
            let disruptions: [[(String, Disruption)]] = [
                [("billing", .crash), ("api-ingress#1", .crash), ("model-router#1", .remove), ("provider-bridge", .crash), ("storage-uploader#3", .add)],
                [("storage-uploader#1", .crash), ("api-ingress#3", .add), ("model-router", .crash), ("billing#2", .remove), ("api-ingress#2", .remove)],
                [("provider-bridge#1", .remove), ("api-ingress", .crash), ("model-router#1", .add), ("storage-uploader", .crash), ("billing#2", .add)],
            ]
            var jobs: [(id: String, workspace: String)] = []
            for (third, steps) in disruptions.enumerated() {
                for n in (jobCount * third / 3)..<(jobCount * (third + 1) / 3) {
                    let workspace = Self.workspaces[n % Self.workspaces.count]
                    let fields = [("video_type", "camera_motion"), ("camera_motion", "zoom_in"), ("duration", "2"), ("workspace_id", workspace)]
                    let idempotency = n % 3 == 0 ? ["Idempotency-Key": "scale-\(n)"] : [:]
                    let reply = try await ingress.submit(fields: fields, image: photos[n], key: keys[workspace]!, headers: idempotency)
                    try #require(reply.status == 202, "job \(n): \(reply.json)")
                    let id = try #require(reply.json["id"] as? String)
                    if !idempotency.isEmpty {
                        // The retry goes to the next replica: the same job, replayed.
                        let retry = try await ingress.submit(fields: fields, image: photos[n], key: keys[workspace]!, headers: idempotency)
                        #expect(retry.status == 202 && retry.json["id"] as? String == id, "job \(n) retried: \(retry.status) \(retry.json)")
                    }
                    jobs.append((id, workspace))
                }
                for (name, disruption) in steps { try await disruption.apply(to: name, in: pipeline, ingress: &ingress) }
            }

            for (n, job) in jobs.enumerated() {
                let finished = try await pipeline.finishedJob(job.id, key: keys[job.workspace]!, base: ingress.replicas[n % ingress.replicas.count].url,
                                                              timeout: .seconds(600))
                #expect(finished["status"] as? String == "completed", "job \(n): \(finished)")
                #expect(try pipeline.debitCount(job: job.id) == 1, "job \(n) \(job.id)")
                #expect(try ChaosTests.storedVideos(of: job.id, in: pipeline.directory.url) == 1, "job \(n) \(job.id)")
            }
            let created = try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") }
            #expect(created == jobs.count, "jobs created: \(created ?? 0) for \(jobs.count) submissions")
            // One provider submission per job, in one shard; no grant drawn below zero.
            let submissions = try await pipeline.database("provider-bridge").read { db in
                try Row.fetchAll(db, sql: "SELECT job_id, COUNT(*) AS n FROM predictions GROUP BY job_id").map { ($0["job_id"] as String, $0["n"] as Int) }
            }
            #expect(submissions.count == jobs.count && submissions.allSatisfy { $0.1 == 1 }, "\(submissions.filter { $0.1 != 1 })")
            let overdrawn = try await pipeline.database("billing").read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grant_buckets WHERE remaining < 0")
            }
            #expect(overdrawn == 0)
            for replica in ingress.replicas {
                for job in jobs {
                    let reply = try await pipeline.get("\(replica.url)/v1/videos/\(job.id)", key: keys[job.workspace]!)
                    #expect(reply.status == 200 && reply.json["status"] as? String == "completed", "\(replica.name) on \(job.id): \(reply.status)")
                }
            }
            let verify = try runTool(BuiltProducts.executable("roomreel").path, ["ledger", "verify", "--data-dir", pipeline.directory.url.path])
            #expect(verify.status == 0, "\(verify.output)")
            let running = [
                "api-ingress": ["0", "1", "3"], "model-router": ["0", "1", "2"], "billing": ["0", "1", "2"],
                "provider-bridge": ["0", "2"], "storage-uploader": ["0", "1", "2", "3"],
            ]
            for service in Pipeline.serviceNames {
                let owners = pipeline.shardOwners(service)
                #expect(owners.count == Self.partitions && owners.allSatisfy { running[service]!.contains($0) }, "\(service) shards owned by \(owners)")
            }
        }
    }

    /// The running api-ingress replicas, by the port each announced, taken in turn.
    struct Ingresses {
        let pipeline: Pipeline
        var replicas: [(name: String, url: String)] = []
        var turn = 0

        init(pipeline: Pipeline) {
            self.pipeline = pipeline
            replicas = [("api-ingress", pipeline.baseURL)]
        }

        /// Adds the started replica `name` once it listens.
        mutating func started(_ name: String) async throws {
            let line = try await pipeline.process(name).line(startingWith: "api-ingress listening on port ")
            replicas.removeAll { $0.name == name }
            replicas.append((name, "http://127.0.0.1:\(line.split(separator: " ").last!)"))
        }

        mutating func stopped(_ name: String) {
            replicas.removeAll { $0.name == name }
        }

        /// The next replica's base URL.
        mutating func next() -> String {
            turn += 1
            return replicas[turn % replicas.count].url
        }

        /// `POST /v1/videos` to the next replica.
        mutating func submit(fields: [(String, String)], image: Data, key: String, headers: [String: String]) async throws -> Pipeline.Reply {
            pipeline.useIngressURL(next())
            return try await pipeline.submit(fields: fields, image: image, key: key, headers: headers)
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
        func apply(to name: String, in pipeline: Pipeline, ingress: inout Ingresses) async throws {
            let parts = name.split(separator: "#").map(String.init)
            let replica = parts.count > 1 ? parts[1] : nil
            switch self {
            case .crash:
                try await pipeline.process(name).crash()
                ingress.stopped(name)
                try pipeline.start(parts[0], replica: replica)
            case .add:
                try pipeline.start(parts[0], replica: replica)
            case .remove:
                #expect(await pipeline.process(name).stop(), "\(name) did not stop gracefully")
                ingress.stopped(name)
            }
            if parts[0] == "api-ingress" && self != .remove { try await ingress.started(name) }
        }
    }
}
