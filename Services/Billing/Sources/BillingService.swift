import EventRuntime
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let billingServiceName = "billing"

/// billing's long-running parts, for a service group of its own or for `roomreel dev`. The ledger is
/// sharded by workspace (`docs/scaling.md`): this replica keeps the shards Kafka assigns it, and
/// a shard's bootstrap grants are applied when the shard is taken.
public func buildBillingServices(config: BillingConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: billingServiceName)
    let grants = config.bootstrapGrants
    let map = config.common.shards
    let shards = try config.common.shardSet(service: billingServiceName, logger: logger, migrations: registerBillingMigrations) { shard, database in
        try applyBootstrapGrants(grants.filter { map.shard(of: $0.workspaceID) == shard }, in: database)
    }
    let handler = EventHandlers([DebitHandler(faults: config.common.faults, logger: logger), GrantHandler(logger: logger)])
    return try EventServiceParts(name: billingServiceName, common: config.common, shards: shards,
                                 handler: handler, logger: logger).services
}

/// The billing executable's service group.
public func buildServiceGroup(config: BillingConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildBillingServices(config: config), logger: config.common.logger(service: billingServiceName))
}

/// A ledger file (a shard of billing's, or a file of its own) with every ledger migration applied.
/// Opened this way it is not fenced: for tools and tests, not for a second billing.
public func openBillingDatabase(path: String) throws -> ServiceDatabase {
    try ServiceDatabase(path: path, migrations: registerBillingMigrations)
}

@Sendable func registerBillingMigrations(_ migrator: inout DatabaseMigrator) {
    LedgerEntry.registerMigrations(&migrator)
    LedgerEntry.registerChainMigration(&migrator)
    GrantBucket.registerMigration(&migrator)
}

/// billing's ledger files in `dataDirectory`: its shards, in shard order.
public func ledgerFiles(dataDirectory: URL) -> [URL] {
    ShardSet.shardFiles(in: dataDirectory.appendingPathComponent(billingServiceName)).map(\.path)
}

/// The ledger file that holds `workspaceID` in `dataDirectory` (by the shard count its files have),
/// or nil when billing has no shards there yet.
public func ledgerFile(of workspaceID: String, dataDirectory: URL) -> URL? {
    let files = ShardSet.shardFiles(in: dataDirectory.appendingPathComponent(billingServiceName))
    guard let count = files.first?.count else { return nil }
    let shard = ShardMap(count: count).shard(of: workspaceID)
    return files.first { $0.shard == shard }?.path
}

/// Checks the hash chain of every workspace in the ledger at `path`: (entries checked, problems found).
public func verifyLedger(path: String) throws -> (entries: Int, problems: [String]) {
    let database = try openBillingDatabase(path: path)
    let (entries, problems) = try database.pool.read { db in try LedgerChain.verify(db) }
    return (entries, problems.map(\.description))
}

/// Grants each configured workspace its starting credits once: the grant id is fixed, so restarts add nothing.
func applyBootstrapGrants(_ grants: [(workspaceID: String, credits: Int64)], in database: ServiceDatabase) throws {
    try database.pool.write { db in
        for grant in grants {
            _ = try GrantHandler.grant(id: "grant:bootstrap:\(grant.workspaceID)", credits: grant.credits, to: grant.workspaceID,
                                       expiresAt: nil, reason: "bootstrap grant", in: db)
        }
    }
}

/// Adds a grant (a top-up) to `workspaceID`, optionally expiring; returns the entry's id.
@discardableResult
public func grantCredits(_ credits: Int64, to workspaceID: String, expiresAt: Date? = nil, reason: String,
                         in database: ServiceDatabase, now: Date = Date()) throws -> String {
    precondition(credits > 0, "grants are positive")
    let id = "grant:\(UUID().uuidString.lowercased())"
    try database.pool.write { db in
        _ = try GrantHandler.grant(id: id, credits: credits, to: workspaceID, expiresAt: expiresAt, reason: reason, in: db, now: now)
    }
    return id
}

/// The spendable credits of `workspaceID` at `now`.
public func creditBalance(of workspaceID: String, in database: ServiceDatabase, at now: Date = Date()) throws -> Int64 {
    try database.pool.read { db in try CreditBalance.of(workspaceID, at: now, in: db) }
}
