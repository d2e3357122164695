import Foundation
import GRDB
import Logging
import Shared

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
        let routed = try events.map { try $0.decode(VideoRouted.self) }
        let faults = self.faults
        let outcomes: [DebitOutcome?] = try await database.pool.write { db in
            let outcomes = try zip(events, routed).map { event, routed -> DebitOutcome? in
                guard try Inbox.record(event.header, in: db) else { return nil }
                return try Self.debit(routed, in: db)
            }
            if outcomes.contains(where: { if case .debited = $0 { true } else { false } }) {
                db.afterNextTransaction { _ in faults.crashIfArmed(Self.crashAfterDebitCommit) }
            }
            return outcomes
        }
        for (routed, outcome) in zip(routed, outcomes) {
            log(outcome, for: routed)
        }
    }

    /// One event is a batch of one: the same transaction, inbox and fault point.
    public func handle(_ event: IncomingEvent) async throws {
        try await handle(batch: [event], database: event.inbox.database)
    }

    private func log(_ outcome: DebitOutcome?, for routed: EventEnvelope<VideoRouted>) {
        let job = routed.data.request
        switch outcome {
        case .debited(let balance):
            logger.info("Debited job", metadata: ["job_id": "\(job.jobID)", "credits": "\(routed.data.credits)", "balance": "\(balance)"])
        case .alreadyDebited:
            logger.notice("Job was debited before; nothing more charged", metadata: ["job_id": "\(job.jobID)"])
        case .rejected(let balance):
            logger.notice("Rejected job: insufficient credits", metadata: [
                "job_id": "\(job.jobID)", "required": "\(routed.data.credits)", "balance": "\(balance)"])
        case nil:
            logger.debug("Redelivered event ignored")
        }
    }

    enum DebitOutcome: Sendable {
        case debited(balanceAfter: Int64)
        case alreadyDebited
        case rejected(balance: Int64)
    }

    /// The ledger decision for one routed job at `now`, written with its outbox event in the caller's transaction.
    static func debit(_ routed: EventEnvelope<VideoRouted>, in db: Database, now: Date = Date()) throws -> DebitOutcome {
        let job = routed.data.request
        let credits = routed.data.credits
        // The debit is keyed by job id: a replayed `video.routed` under another event id charges nothing more.
        if try LedgerEntry.filter(Column("job_id") == job.jobID && Column("kind") == LedgerEntry.Kind.debit.rawValue).fetchCount(db) > 0 {
            return .alreadyDebited
        }
        let balance = try CreditBalance.of(job.workspaceID, at: now, in: db)
        guard balance >= credits else {
            try Outbox.enqueue(EventEnvelope(
                source: "billing", subject: job.jobID, workspaceID: job.workspaceID,
                data: CreditsRejected(required: credits, balance: balance)), in: db)
            return .rejected(balance: balance)
        }
        let entry = try LedgerChain.append(LedgerEntry(
            id: "debit:\(job.jobID)", workspaceID: job.workspaceID, amount: -credits, kind: .debit,
            jobID: job.jobID, reason: "video \(job.jobID) on \(routed.data.modelID)", createdAt: now), in: db)
        try Outbox.enqueue(EventEnvelope(
            source: "billing", subject: job.jobID, workspaceID: job.workspaceID,
            data: CreditsDebited(routed: routed.data, ledgerEntryID: entry.id, balanceAfter: balance - credits)), in: db)
        return .debited(balanceAfter: balance - credits)
    }
}
