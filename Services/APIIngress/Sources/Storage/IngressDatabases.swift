import EventRuntime
import Foundation
import GRDB
import Logging
import Synchronization

/// Where api-ingress keeps its state, in `<data>/api-ingress/` (`docs/scaling.md`):
/// - a shard file per partition (`shard-<p>-of-<P>.sqlite`) with all of its workspaces' state: jobs,
///   idempotency keys, ledger view and balance, webhook secret and deliveries, input photos, limits,
///   and the outbox. A request on any replica reads and writes its workspace's file directly
///   (`edge`): the replicas share one volume and SQLite's lock, so a job is on every replica once its
///   POST has answered and an `Idempotency-Key` makes one job. Only the shard's owner handles its
///   events (fenced) and runs its relay, client webhooks and sweeps.
/// - `keys.sqlite`: the API keys by hash, shared by every replica (a key names its workspace).
/// - `replica-<REPLICA_ID>.sqlite`: provider breakers and announcements, each replica's own, from events.
final class IngressDatabases: Sendable {
    let shards: ShardSet
    let keys: ServiceDatabase
    let replica: ServiceDatabase
    /// Each shard's cache of recently read jobs, kept true by every pool this process opens on it.
    let recentJobs: [RecentJobs]
    /// Each shard's file as requests use it (`ShardSet.edge`), and its group commit.
    let edges: [ServiceDatabase]
    let commits: [GroupCommit<JobCreation>]

    init(common: CommonConfiguration, logger: Logger) throws {
        let recentJobs = common.shards.all.map { _ in RecentJobs() }
        self.recentJobs = recentJobs
        shards = try common.shardSet(service: apiIngressServiceName, logger: logger, migrations: registerIngressMigrations) { shard, database in
            database.pool.add(transactionObserver: recentJobs[shard], extent: .databaseLifetime)
        }
        edges = try common.shards.all.map { [shards] in try shards.edge($0) }
        commits = edges.map { GroupCommit(database: $0) }
        keys = try ServiceDatabase(path: common.dataDirectory.appendingPathComponent(apiIngressServiceName)
            .appendingPathComponent("keys.sqlite").path) { migrator in
            APIKeyRecord.registerMigrations(&migrator)
            migrator.registerMigration("api-ingress-keys-v2") { db in
                try APIKeyRecord.addPrefixAndName(db)
                try LegacyImport.createTable(db)
            }
        }
        let copied = try LegacyImport.runWhole(from: shards.legacyFile, tables: [APIKeyRecord.databaseTableName], into: keys)
        if copied > 0 {
            logger.notice("Imported the API keys from the single-file layout", metadata: ["keys": "\(copied)", "from": "\(shards.legacyFile.path)"])
        }
        replica = try ServiceDatabase(path: common.replicaDatabasePath(service: apiIngressServiceName)) { migrator in
            migrator.registerMigration("api-ingress-replica-v1") { db in
                try ProviderBreakerRecord.createTable(db)
                try ProviderAnnouncementRecord.createTable(db)
            }
        }
    }

    /// What requests see of the workspaces' files.
    var files: WorkspaceFiles {
        WorkspaceFiles(lookup: { [self] workspaceID in
            let shard = shards.map.shard(of: workspaceID)
            return .init(database: edges[shard], recentJobs: recentJobs[shard], photoFolder: "inputs/shard-\(shard)-of-\(shards.map.count)",
                         commits: commits[shard])
        }, owned: { [shards] workspaceID in shards.owns(shards.map.shard(of: workspaceID)) })
    }
}

/// The migrations of an api-ingress shard file: those of the single file before shards, but for the
/// providers' breakers and announcements, which are each replica's (`api_keys` stays, unused: the
/// keys live in `keys.sqlite`).
@Sendable func registerIngressMigrations(_ migrator: inout DatabaseMigrator) {
    APIKeyRecord.registerMigrations(&migrator)
    JobRecord.registerMigrations(&migrator)
    migrator.registerMigration("api-ingress-v4-public-api") { db in
        try APIKeyRecord.addPrefixAndName(db)
        try IdempotencyRecord.createTable(db)
        try LedgerViewRecord.createTable(db)
        try WorkspaceBalanceRecord.createTable(db)
        try WebhookSecretRecord.createTable(db)
        try WebhookDeliveryRecord.createTable(db)
        try WebhookAttemptRecord.createTable(db)
        try db.create(index: "jobs_by_workspace_status", on: JobRecord.databaseTableName, columns: ["workspace_id", "status", "created_at"])
    }
    migrator.registerMigration("api-ingress-v5-job-delivery", migrate: JobRecord.addDeliveryColumns)
    migrator.registerMigration("api-ingress-v7-job-origin", migrate: JobRecord.addOriginColumns)
    migrator.registerMigration("api-ingress-v8-held-event", migrate: JobRecord.addHeldEventColumn)
    migrator.registerMigration("api-ingress-v9-input-photos", migrate: InputPhotoRecord.createTable)
    migrator.registerMigration("api-ingress-v10-workspace-limits", migrate: WorkspaceLimitsRecord.createTable)
    migrator.registerMigration("api-ingress-v11-generation-progress", migrate: JobRecord.addGenerationProgressColumn)
}

/// One api-ingress file with every table, migrated: a workspace file for unit tests.
func openIngressDatabase(path: String) throws -> ServiceDatabase {
    try ServiceDatabase(path: path, migrations: registerIngressMigrations)
}
