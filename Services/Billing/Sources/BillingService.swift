import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Shared

/// The name of this service: its consumer group, Kafka client id, event source and database file.
public let billingServiceName = "billing"

/// billing's long-running parts, for a service group of its own or for `roomreel dev`.
public func buildBillingServices(config: BillingConfiguration) throws -> [any Service] {
    let logger = config.common.logger(service: billingServiceName)
    let database = try ServiceDatabase(path: config.common.databasePath(service: billingServiceName),
                                       migrations: LedgerEntry.registerMigrations)
    try applyBootstrapGrants(config.bootstrapGrants, in: database)
    let handler = DebitHandler(faults: config.common.faults, logger: logger)
    return try EventServiceParts(name: billingServiceName, common: config.common, database: database,
                                 handler: handler, logger: logger).services
}

/// The billing executable's service group.
public func buildServiceGroup(config: BillingConfiguration) throws -> ServiceGroup {
    ServiceMain.serviceGroup(try buildBillingServices(config: config), logger: config.common.logger(service: billingServiceName))
}

/// Grants each configured workspace its starting credits once: the grant id is fixed, so restarts add nothing.
func applyBootstrapGrants(_ grants: [(workspaceID: String, credits: Int64)], in database: ServiceDatabase) throws {
    try database.pool.write { db in
        for grant in grants {
            try LedgerEntry(
                id: "grant:bootstrap:\(grant.workspaceID)", workspaceID: grant.workspaceID, amount: grant.credits,
                kind: .grant, jobID: nil, reason: "bootstrap grant", createdAt: Date()
            ).insert(db, onConflict: .ignore)
        }
    }
}
