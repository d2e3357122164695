import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import ObjectStorage

/// Keeps the `jobs` read model in step with every job event (a polled run of events in one
/// transaction). Details are recorded whatever order the events come in; status and stage only move
/// forward, and a finished job never changes again.
///
/// Events of different topics arrive in any order (after a restart, a whole job's at once). A job is
/// never shown finished without the facts of the stages before its end: a finishing event that comes
/// before them is held on the job (`held_event`) and applied by the event that completes them, so
/// that every view, webhook and `Prefer: wait` answer of a finished job has its routing, its debit
/// and its prediction (`FinishingFacts`).
///
/// In the transaction that finishes a job it also queues the client's webhook (when the job has a
/// `webhook_url`); `credits.debited` also lands in the ledger view. After the commit, event streams
/// of the job are woken, and, when it finished, requests held by `Prefer: wait` for it.
struct JobProjection: BatchEventHandler {
    let logger: Logger
    let completions: JobSignals
    /// Signalled after every change, for `GET /v1/videos/{id}/events`.
    var changeSignals = JobSignals()
    let publicBaseURL: @Sendable () -> String
    let videoLinks: VideoLinks

    var eventTypes: [EventType] {
        [.videoRouted, .creditsDebited, .creditsRejected, .videoSubmitted, .videoProgress, .videoGenerated, .videoFailed, .videoStored]
    }

    func handle(_ event: IncomingEvent) async throws {
        try await handle(batch: [event], database: event.inbox.database)
    }

    /// Applies a run of events in one transaction (one durable commit), each through the inbox. An
    /// event for an unknown job fails the run; the consumer then handles its events one by one, and
    /// that one alone is skipped.
    func handle(batch events: [IncomingEvent], database: ServiceDatabase) async throws {
        let changes = try events.map { event in
            Change(jobID: event.header.subject, type: event.header.type, bytes: Data(event.bytes),
                   update: try Self.update(for: event), ledgerEntry: try Self.ledgerEntry(for: event),
                   needs: FinishingFacts.needed(before: event))
        }
        let baseURL = publicBaseURL()
        let videoLinks = self.videoLinks
        let results = try await database.pool.write { db in
            try zip(events, changes).map { event, change -> (job: JobRecord, finished: Bool)? in
                guard try Inbox.record(event.header, in: db) else { return nil }
                guard let applied = try Self.apply(change, publicBaseURL: baseURL, videoLinks: videoLinks, in: db) else {
                    throw EventHandlingError.permanent("event for unknown job \(change.jobID)")
                }
                return applied
            }
        }
        for (change, result) in zip(changes, results) {
            guard let result else { continue }
            logger.info("Job updated", metadata: ["job_id": "\(change.jobID)", "event": "\(change.type.rawValue)",
                                                  "status": "\(result.job.status.rawValue)", "stage": "\(result.job.stage.rawValue)"])
            changeSignals.signal(change.jobID)
            if result.finished { completions.signal(change.jobID) }
        }
    }

    /// What one event brings, read before the transaction.
    struct Change: Sendable {
        let jobID: String
        let type: EventType
        let bytes: Data
        let update: @Sendable (inout JobRecord) -> Void
        let ledgerEntry: (LedgerViewRecord, [CreditExpiry])?
        let needs: FinishingFacts?
    }

    /// Applies one event's change to its job in `db`'s transaction; `nil` when the job is unknown.
    static func apply(_ change: Change, publicBaseURL: String, videoLinks: VideoLinks, in db: Database) throws -> (job: JobRecord, finished: Bool)? {
        if let (entry, expiring) = change.ledgerEntry {
            try WorkspaceBalanceRecord.apply(entry, expiring: expiring, in: db)
        }
        guard var job = try JobRecord.fetchOne(db, key: change.jobID) else { return nil }
        let wasFinished = job.status.isTerminal
        if job.status.isTerminal || job.heldEvent != nil {
            // The first finishing event decides; a later one changes nothing (as `update` guards).
            if change.needs == nil { change.update(&job) }
        } else if let needs = change.needs, !needs.isSubset(of: FinishingFacts(of: job)) {
            job.heldEvent = change.bytes
        } else {
            change.update(&job)
        }
        try releaseHeldEvent(of: &job)
        job.updatedAt = Date()
        if job.startedAt == nil, job.status != .queued { job.startedAt = job.updatedAt }
        if !wasFinished, job.status.isTerminal {
            job.finishedAt = job.updatedAt
            try InputPhotoRecord.release(photosOf: job, at: job.updatedAt, in: db)
        }
        try job.update(db)
        let finished = !wasFinished && job.status.isTerminal
        if finished, let url = job.webhookURL {
            try queueWebhook(for: job, url: url, publicBaseURL: publicBaseURL, videoLinks: videoLinks, in: db)
        }
        return (job, finished)
    }

    /// Applies the job's held finishing event once the facts it waited for are in.
    static func releaseHeldEvent(of job: inout JobRecord) throws {
        guard let held = job.heldEvent else { return }
        let json = try RawJSON(Array(held))
        let header = try EventHeader.decode(json)
        guard FinishingFacts.needed(before: header.type, json: json)?.isSubset(of: FinishingFacts(of: job)) ?? true else { return }
        job.heldEvent = nil
        try update(header: header, bytes: json.bytes)(&job)
    }

    /// The client's message for a finished job: `{"type", "timestamp", "data": <the job as GET shows it>}`.
    static func queueWebhook(for job: JobRecord, url: String, publicBaseURL: String, videoLinks: VideoLinks, in db: Database) throws {
        let type = job.status == .completed ? "video.completed" : "video.failed"
        let now = Date()
        let message = WebhookMessage(type: type, timestamp: now, data: JobView(job, publicBaseURL: publicBaseURL, videoLinks: videoLinks))
        try WebhookDeliveryRecord(
            id: "msg_\(job.id)", jobID: job.id, workspaceID: job.workspaceID, url: url, eventType: type,
            payload: try WebhookMessage.encoder.encode(message), state: .pending, attempts: 0, nextAttemptAt: now,
            createdAt: now, finishedAt: nil, lastError: nil
        ).insert(db, onConflict: .ignore)
    }

    /// The ledger view's entry for a `credits.debited`, with the expiries billing listed.
    static func ledgerEntry(for event: IncomingEvent) throws -> (LedgerViewRecord, [CreditExpiry])? {
        guard event.header.type == .creditsDebited else { return nil }
        let envelope = try event.decode(CreditsDebited.self)
        guard let sequence = envelope.data.ledgerSequence else { return nil }
        return (LedgerViewRecord(entryID: envelope.data.ledgerEntryID, workspaceID: envelope.workspaceID, sequence: sequence, kind: .debit,
                                 credits: -envelope.data.routed.credits, balanceAfter: envelope.data.balanceAfter,
                                 jobID: event.header.subject, expiresAt: nil, createdAt: envelope.time),
                envelope.data.expiring ?? [])
    }

    /// What one event changes on its job.
    static func update(for event: IncomingEvent) throws -> @Sendable (inout JobRecord) -> Void {
        try update(header: event.header, bytes: event.bytes)
    }

    /// What the event with this header and envelope changes on its job.
    static func update(header: EventHeader, bytes: [UInt8]) throws -> @Sendable (inout JobRecord) -> Void {
        func decode<Payload: EventPayload>(_: Payload.Type) throws -> Payload {
            try EventEnvelope<Payload>.decode(bytes, header: header).data
        }
        switch header.type {
        case .videoRequested, .providerOutcome, .creditsGrantRequested, .creditsGranted, .providersAnnounced, .providerWebhook:
            // Not a change of a job's state (provider outcomes and announcements feed provider health; grants are billing's).
            return { _ in }
        case .videoRouted:
            let data = try decode(VideoRouted.self)
            return { job in
                job.recordRouting(data)
                job.advance(to: .routed, status: .queued)
            }
        case .creditsDebited:
            let data = try decode(CreditsDebited.self)
            return { job in
                // The debit carries the routing: a debit that overtakes `video.routed` brings it along.
                job.recordRouting(data.routed)
                job.creditsDebited = data.routed.credits
                job.advance(to: .debited, status: .processing)
            }
        case .creditsRejected:
            let data = try decode(CreditsRejected.self)
            return { job in
                guard !job.status.isTerminal else { return }
                job.errorCode = ErrorCode.insufficientCredits.rawValue
                job.errorMessage = "this job needs \(data.required) credits; the workspace has \(data.balance)"
                job.errorDetails = #"{"required":\#(data.required),"balance":\#(data.balance)}"#
                job.advance(to: .failed, status: .failed)
            }
        case .videoSubmitted:
            let data = try decode(VideoSubmitted.self)
            return { job in
                job.predictionID = data.predictionID
                job.advance(to: .submitted, status: .processing)
            }
        case .videoProgress:
            let data = try decode(VideoProgress.self)
            return { job in
                // Only while generating, and only forward: a late or repeated report changes nothing.
                guard !job.status.isTerminal, job.stage.rank <= JobRecord.Stage.submitted.rank else { return }
                job.generationProgress = max(job.generationProgress ?? 0, min(max(data.percent, 0), 99))
            }
        case .videoGenerated:
            let data = try decode(VideoGenerated.self)
            return { job in
                // The output carries its prediction: it may overtake `video.submitted`.
                job.predictionID = job.predictionID ?? data.predictionID
                job.advance(to: .generated, status: .processing)
            }
        case .videoFailed:
            let data = try decode(VideoFailed.self)
            return { job in
                guard !job.status.isTerminal else { return }
                job.errorCode = data.code.rawValue
                job.errorMessage = data.message
                job.advance(to: .failed, status: .failed)
            }
        case .videoStored:
            let data = try decode(VideoStored.self)
            return { job in
                guard !job.status.isTerminal else { return }
                job.videoKey = data.videoKey
                job.videoBytes = data.bytes
                job.posterKey = data.posterKey
                job.videoWidth = data.width
                job.videoHeight = data.height
                job.videoDurationSeconds = data.durationSeconds
                job.advance(to: .stored, status: .completed)
            }
        }
    }
}
