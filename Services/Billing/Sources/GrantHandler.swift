import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging

/// Applies operators' grants (`credits.grant_requested` from api-ingress's admin API) to the ledger.
/// The grant's id is the ledger entry's id: a redelivered or repeated request adds nothing more.
struct GrantHandler: EventHandler {
    let logger: Logger

    var eventTypes: [EventType] { [.creditsGrantRequested] }

    func handle(_ event: IncomingEvent) async throws {
        let request = try event.decode(CreditsGrantRequested.self)
        let grant = request.data
        let workspaceID = request.workspaceID
        // api-ingress checks these too; billing does not trust the bus with money.
        guard (1...CreditsGrantRequested.maximumCredits).contains(grant.credits) else {
            throw EventHandlingError.permanent("grant \(grant.grantID) of \(grant.credits) credits is out of range")
        }
        let applied = try await event.inbox.commit { db -> Int64? in
            try Self.grant(id: grant.grantID, credits: grant.credits, to: workspaceID, expiresAt: grant.expiresAt, reason: grant.reason, in: db)
        }
        switch applied {
        case .some(.some(let balance)):
            logger.notice("Granted credits", metadata: [
                "workspace_id": "\(workspaceID)", "grant_id": "\(grant.grantID)", "credits": "\(grant.credits)", "balance": "\(balance)"])
        case .some(.none):
            logger.notice("Grant was applied before; nothing more granted", metadata: ["grant_id": "\(grant.grantID)"])
        case .none:
            break
        }
    }

    /// Appends a grant to the ledger and announces it (`credits.granted`, through the outbox), in the
    /// caller's transaction; every grant, whatever its origin, goes through here so that read models
    /// see them all. Returns the balance after it, or nil when the ledger already has an entry `id`.
    static func grant(id: String, credits: Int64, to workspaceID: String, expiresAt: Date?, reason: String,
                      in db: Database, now: Date = Date()) throws -> Int64? {
        var ledger = LedgerSession(db: db, now: now)
        guard let entry = try ledger.append(LedgerEntry(
            id: id, workspaceID: workspaceID, amount: credits, kind: .grant, jobID: nil,
            reason: reason, createdAt: ledger.now, expiresAt: expiresAt))
        else { return nil }
        try ledger.finish()
        let balance = try ledger.balance(of: workspaceID)
        try Outbox.enqueue(EventEnvelope(
            source: "billing", subject: id, workspaceID: workspaceID, time: ledger.now,
            data: CreditsGranted(grantID: id, credits: credits, expiresAt: expiresAt, balanceAfter: balance,
                                 ledgerSequence: entry.workspaceSequence, expiring: try ledger.expiring(of: workspaceID))), in: db)
        return balance
    }
}
