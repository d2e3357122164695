@testable import Billing
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import Testing
import TestSupport

/// A ledger kept in the single file of the layout before shards (`billing.sqlite`) comes into the
/// shards when they are first taken: each workspace's entries into its shard, chains intact,
/// balances unchanged, nothing twice when a shard is taken again.
@Suite("Legacy import into shards")
struct LegacyImportTests {
    @Test("each workspace's ledger moves into its shard once, with its balance, its chain and the unpublished outbox; the inbox goes to every shard")
    func importsOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspaces = (0..<8).map { "ws-legacy-\($0)" }
        let legacy = try openBillingDatabase(path: directory.url.appendingPathComponent("billing.sqlite").path)
        for (index, workspace) in workspaces.enumerated() {
            try grantCredits(Int64(10 + index), to: workspace, reason: "before shards", in: legacy)
        }
        for (index, workspace) in workspaces.enumerated() where index % 2 == 0 {
            let spec = VideoJobSpec(jobID: "job-\(index)", workspaceID: workspace, videoType: .cameraMotion, model: nil, cameraMotion: .zoomIn,
                                    prompt: nil, style: nil, aspectRatio: .landscape, durationSeconds: 5)
            let routed = EventEnvelope(source: "test", subject: spec.jobID, workspaceID: workspace,
                                       data: VideoRouted(request: spec, inputImageKeys: [], modelID: "m", provider: "local", credits: 3))
            try legacy.pool.write { db in
                _ = try Inbox.record(EventHeader.decode(routed.encoded()), in: db)
                _ = try DebitHandler.debit(routed, in: db)
            }
        }
        let legacyEntries = try legacy.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries") ?? 0 }
        let legacyOutbox = try legacy.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
        let balances = try Dictionary(uniqueKeysWithValues: workspaces.map { ($0, try creditBalance(of: $0, in: legacy)) })

        let map = ShardMap(count: 3)
        #expect(Set(workspaces.map(map.shard(of:))).count == 3, "the workspaces cover every shard")
        let shards = try ShardSet(service: billingServiceName, dataDirectory: directory.url, map: map, replica: "r", logger: testLogger,
                                  migrations: registerBillingMigrations)
        shards.assign(Set(map.all))
        shards.revoke(Set(map.all))
        shards.assign(Set(map.all))

        var entries = 0
        var outbox = 0
        for file in ledgerFiles(dataDirectory: directory.url) {
            let shard = try #require(ShardSet.shardFiles(in: file.deletingLastPathComponent()).first { $0.path == file }?.shard)
            let database = try openBillingDatabase(path: file.path)
            try database.pool.read { db in
                let here = try String.fetchAll(db, sql: "SELECT DISTINCT workspace_id FROM ledger_entries")
                #expect(here.allSatisfy { map.shard(of: $0) == shard }, "shard \(shard) holds \(here)")
                entries += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entries") ?? 0
                outbox += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
                #expect(try String.fetchAll(db, sql: "SELECT key FROM outbox").allSatisfy { map.shard(of: $0) == shard })
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") == workspaces.count / 2)
            }
            #expect(try verifyLedger(path: file.path).problems.isEmpty)
            for workspace in workspaces where map.shard(of: workspace) == shard {
                #expect(try creditBalance(of: workspace, in: database) == balances[workspace])
            }
        }
        #expect(entries == legacyEntries)
        #expect(outbox == legacyOutbox)
    }
}
