import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging

/// Debits each routed job once, before its provider is called, or rejects it when the balance is short.
/// Runs of events are applied in one transaction (one durable commit), each still through the inbox.
public struct DebitHandler: BatchEventHandler {
    /// Fault point: die right after the debit commits, before the outbox relay can publish it.
    static let crashAfterDebitCommit = "billing.after-debit-commit"

    let faults: FaultPoints
    let logger: Logger

    public init(faults: FaultPoints, logger: Logger) {
        self.faults = faults
        self.logger = logger
    }

    public var eventTypes: [EventType] { [.videoRouted] }

    public func handle(batch events: [IncomingEvent], database: ServiceDatabase) async throws {
        // Read outside the transaction: the single writer is held only for the ledger's own work.
        let requests: [DebitRequest]
        do {
            requests = try events.map(DebitRequest.init)
        } catch {
            throw EventHandlingError.permanent("malformed video.routed: \(error)")
        }
        let faults = self.faults
        let outcomes: [DebitOutcome?] = try await database.pool.write { db in
            var ledger = LedgerSession(db: db)
            let outcomes = try zip(events, requests).map { event, request -> DebitOutcome? in
                guard try Inbox.record(event.header, in: db) else { return nil }
                return try Self.debit(request, in: &ledger, db: db)
            }
            try ledger.finish()
            if outcomes.contains(where: { if case .debited = $0 { true } else { false } }) {
                db.afterNextTransaction { _ in faults.crashIfArmed(Self.crashAfterDebitCommit) }
            }
            return outcomes
        }
        for (request, outcome) in zip(requests, outcomes) {
            log(outcome, for: request)
        }
    }

    /// One event is a batch of one: the same transaction, inbox and fault point.
    public func handle(_ event: IncomingEvent) async throws {
        try await handle(batch: [event], database: event.inbox.database)
    }

    private func log(_ outcome: DebitOutcome?, for request: DebitRequest) {
        switch outcome {
        case .debited(let balance):
            logger.info("Debited job", metadata: ["job_id": "\(request.jobID)", "credits": "\(request.credits)", "balance": "\(balance)"])
        case .alreadyDebited:
            logger.notice("Job was debited before; nothing more charged", metadata: ["job_id": "\(request.jobID)"])
        case .rejected(let balance):
            logger.notice("Rejected job: insufficient credits", metadata: [
                "job_id": "\(request.jobID)", "required": "\(request.credits)", "balance": "\(balance)"])
        case nil:
            logger.debug("Redelivered event ignored", metadata: ["event_id": "\(request.eventID)"])
        }
    }

    enum DebitOutcome: Sendable {
        case debited(balanceAfter: Int64)
        case alreadyDebited
        case rejected(balance: Int64)
    }

    /// The ledger decision for one routed job, written with its outbox event in the session's
    /// transaction, at the session's time.
    static func debit(_ request: DebitRequest, in ledger: inout LedgerSession, db: Database) throws -> DebitOutcome {
        let balance = try ledger.balance(of: request.workspaceID)
        guard balance >= request.credits else {
            // The debit is keyed by job id: a replayed `video.routed` under another event id charges
            // nothing more, and is not turned down either.
            if try ledger.hasDebit(jobID: request.jobID) { return .alreadyDebited }
            try Outbox.enqueue(EventEnvelope(
                source: "billing", subject: request.jobID, workspaceID: request.workspaceID, time: ledger.now,
                data: CreditsRejected(required: request.credits, balance: balance)), in: db)
            return .rejected(balance: balance)
        }
        // The entry id is the job's, so inserting it is the one-debit check (nil: debited before).
        guard let entry = try ledger.append(LedgerEntry(
            id: "debit:\(request.jobID)", workspaceID: request.workspaceID, amount: -request.credits, kind: .debit,
            jobID: request.jobID, reason: "video \(request.jobID) on \(request.modelID)", createdAt: ledger.now))
        else { return .alreadyDebited }
        let balanceAfter = balance - request.credits
        try Outbox.enqueue(EncodedEvent(
            type: .creditsDebited, source: "billing", subject: request.jobID, workspaceID: request.workspaceID, time: ledger.now,
            data: request.debitedPayload(ledgerEntryID: entry.id, balanceAfter: balanceAfter, ledgerSequence: entry.workspaceSequence,
                                         expiring: try ledger.expiring(of: request.workspaceID))), in: db)
        return .debited(balanceAfter: balanceAfter)
    }

    /// One routed job debited in its own session at `now` (tests and tools; the consumer goes through batches).
    static func debit(_ routed: EventEnvelope<VideoRouted>, in db: Database, now: Date = Date()) throws -> DebitOutcome {
        let json = try RawJSON(routed.encoded())
        var ledger = LedgerSession(db: db, now: now)
        let outcome = try debit(DebitRequest(json: json, header: EventHeader.decode(json)), in: &ledger, db: db)
        try ledger.finish()
        return outcome
    }
}
