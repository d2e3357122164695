@testable import APIIngress
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Testing
import TestSupport

/// api-ingress's single file of the layout before shards (`api-ingress.sqlite`) comes into the new
/// one: its API keys into `keys.sqlite` at start, each workspace's jobs and unpublished events into
/// its shard when the shard is first taken, nothing twice.
@Suite("api-ingress upgrade from one file")
struct IngressUpgradeTests {
    @Test("the single file's keys go to keys.sqlite once, and each workspace's jobs and unpublished events to its shard once")
    func importsOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspaces = (0..<8).map { "ws-upgrade-\($0)" }
        let legacy = try openIngressDatabase(path: directory.url.appendingPathComponent("api-ingress.sqlite").path)
        try await legacy.pool.write { db in
            for (index, workspace) in workspaces.enumerated() {
                try APIKeyRecord(keyHash: APIKeyRecord.hash("rr_upgrade_\(index)"), workspaceID: workspace, createdAt: Date(), keyPrefix: nil, name: nil)
                    .insert(db)
                var job = StatusReadTests.job(id: "job-\(index)")
                job.workspaceID = workspace
                try job.insertNew(db)
                let spec = VideoJobSpec(jobID: job.id, workspaceID: workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                        prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
                try Outbox.enqueue(EncodedEvent(type: .videoRequested, source: apiIngressServiceName, subject: job.id, workspaceID: workspace,
                                                data: VideoRequested(request: spec, inputImageKeys: []).json), in: db)
            }
        }

        let map = ShardMap(count: 3)
        #expect(Set(workspaces.map(map.shard(of:))).count == 3, "the workspaces cover every shard")
        func replica(_ id: String) throws -> IngressDatabases {
            try IngressDatabases(common: CommonConfiguration(kafkaBrokers: "127.0.0.1:9", dataDirectory: directory.url, replicaID: id, shards: map),
                                 logger: testLogger)
        }
        let first = try replica("0")
        let keys = { try await first.keys.pool.read { db in try String.fetchAll(db, sql: "SELECT workspace_id FROM api_keys") } }
        #expect(try await keys().sorted() == workspaces)
        first.shards.assign(Set(map.all))
        first.shards.revoke(Set(map.all))
        let second = try replica("1")
        second.shards.assign(Set(map.all))
        #expect(try await keys().count == workspaces.count)

        var jobs = 0, outbox = 0
        for shard in map.all {
            let (here, outboxKeys) = try await second.edges[shard].pool.read { db in
                (try String.fetchAll(db, sql: "SELECT workspace_id FROM jobs"), try String.fetchAll(db, sql: "SELECT key FROM outbox"))
            }
            #expect(here.allSatisfy { map.shard(of: $0) == shard }, "shard \(shard) holds \(here)")
            #expect(outboxKeys.allSatisfy { map.shard(of: $0) == shard })
            jobs += here.count
            outbox += outboxKeys.count
        }
        #expect(jobs == workspaces.count && outbox == workspaces.count)
        for (index, workspace) in workspaces.enumerated() {
            let job = try await second.files.database(of: workspace).pool.read { db in try JobRecord.fetchOne(db, key: "job-\(index)") }
            #expect(job?.workspaceID == workspace)
        }
    }
}
