import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging

/// Copies billing's grants into the ledger view and the workspace balances (debits come through
/// `JobProjection`, which handles `credits.debited` for the job too).
struct LedgerProjection: EventHandler {
    let logger: Logger

    var eventTypes: [EventType] { [.creditsGranted] }

    func handle(_ event: IncomingEvent) async throws {
        let envelope = try event.decode(CreditsGranted.self)
        let grant = envelope.data
        guard let sequence = grant.ledgerSequence else {
            // Published before billing numbered its events: nothing to place it by.
            logger.notice("Grant without a ledger sequence ignored", metadata: ["grant_id": "\(grant.grantID)"])
            try await event.inbox.commit { _ in }
            return
        }
        let entry = LedgerViewRecord(entryID: grant.grantID, workspaceID: envelope.workspaceID, sequence: sequence, kind: .grant,
                                     credits: grant.credits, balanceAfter: grant.balanceAfter, jobID: nil,
                                     expiresAt: grant.expiresAt, createdAt: envelope.time)
        try await event.inbox.commit { db in
            try WorkspaceBalanceRecord.apply(entry, expiring: grant.expiring ?? [], in: db)
        }
    }
}
