import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import OutboundHTTP

/// Records what a provider says about a job, whichever way it came (signed webhook, confirmed
/// callback, poll): a terminal answer ends the prediction with its events; a running one notes the
/// provider's status. Outputs that need the provider's credentials to fetch (Veo) are downloaded here
/// first, into the render folder, and handed on as a file.
struct GenerationRecorder: Sendable {
    let database: ServiceDatabase
    /// Webhooks arrive in bursts: their writes share transactions (one fsync per batch).
    let commits: GroupCommit<Recorded>
    let renders: RenderFiles
    let client: ServiceHTTPClient
    let logger: Logger

    enum Recorded: Equatable, Sendable {
        /// This answer ended the job.
        case finished
        /// Still running at the provider.
        case running
        /// The job had already ended; nothing changed.
        case alreadyFinal
        /// No such job.
        case unknown
        /// This webhook (by its id) was recorded before; nothing changed.
        case duplicate
    }

    /// Which job an answer is about, found inside the recording transaction.
    struct JobMatch: Sendable {
        var jobID: String
        /// The provider's prediction id to adopt when the job is still pending (a signed webhook
        /// that overtook the create call's answer).
        var adoptPredictionID: String?
    }

    /// Records `progress` for `jobID`. `countCheck` adds one to the job's status GETs.
    @discardableResult
    func record(_ progress: ProviderProgress, jobID: String, provider: any VideoProvider, countCheck: Bool = false) async throws -> Recorded {
        var result: GenerationResult?
        if case .succeeded(let outputURL?) = progress {
            result = try await fetchIfNeeded(outputURL, jobID: jobID, provider: provider)
        } else {
            result = Self.result(of: progress, provider: provider)
        }
        let ending = result
        return try await commits.write { db in
            try Self.apply(progress, ending, to: JobMatch(jobID: jobID), countCheck: countCheck, now: Date(), in: db)
        }
    }

    /// Records a signed webhook about `predictionID`: in one transaction (shared with the other
    /// webhooks of the moment), the receipt is checked and written, the job found, and the answer
    /// applied. The common case, a terminal answer for a submitted job, takes two cached statements
    /// (and the events' outbox rows); anything else (a pending job found by `locate`, an answer that is
    /// not terminal) the general path. The webhook's arrival (the receipt's time) is when the bridge
    /// learned what it says: the time of the change and of its events.
    func recordWebhook(_ progress: ProviderProgress, predictionID: String, receipt: WebhookReceiptRecord, provider: any VideoProvider,
                       locate: @escaping @Sendable (Database) throws -> JobMatch?) async throws -> Recorded {
        let ending = Self.result(of: progress, provider: provider)
        let providerName = provider.name
        let now = receipt.receivedAt
        return try await commits.write { db in
            // The receipt first: a webhook-id seen before inserts nothing, and nothing else happens.
            guard try Self.insertReceipt(receipt, in: db) else { return .duplicate }
            if let ending, try PredictionRecord.finishSubmitted(predictionID: predictionID, provider: providerName, ending, now: now, in: db) {
                return .finished
            }
            guard let match = try locate(db) else { return .unknown }
            return try Self.apply(progress, ending, to: match, countCheck: false, now: now, in: db)
        }
    }

    /// Records the receipt; false when its webhook-id was recorded before.
    private static func insertReceipt(_ receipt: WebhookReceiptRecord, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO webhook_receipts (webhook_id, provider, prediction_id, received_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [receipt.webhookID, receipt.provider, receipt.predictionID, DatabaseTime.value(receipt.receivedAt)])
        return db.changesCount == 1
    }

    /// The generation's end a provider's answer means, when it means one (outputs needing a download aside).
    private static func result(of progress: ProviderProgress, provider: any VideoProvider) -> GenerationResult? {
        switch progress {
        case .running: nil
        case .succeeded(let outputURL?): .generated(outputURL: outputURL, posterURL: nil)
        case .succeeded(nil): .failed(RoomReelError(.outputUnavailable, "\(provider.name) reported success but gave no video"), stage: "generation")
        case .failed(let error): .failed(error, stage: "generation")
        }
    }

    private static func apply(_ progress: ProviderProgress, _ ending: GenerationResult?, to match: JobMatch, countCheck: Bool, now: Date,
                              in db: Database) throws -> Recorded {
        guard var prediction = try PredictionRecord.fetchOne(db, key: match.jobID) else { return .unknown }
        if countCheck {
            prediction.statusChecks += 1
        }
        guard !prediction.status.isTerminal else {
            if countCheck { try prediction.update(db) }
            return .alreadyFinal
        }
        if let adopt = match.adoptPredictionID, prediction.status == .pending {
            try prediction.markSubmitted(predictionID: adopt, nextCheckAt: nil, now: now, in: db)
        }
        guard let ending else {
            if case .running(let status, let percent) = progress {
                prediction.providerStatus = status
                // A rise in what the provider reports goes out as `video.progress`; the same again does not.
                if let percent, (1...99).contains(percent), percent > (prediction.reportedProgress ?? 0) {
                    prediction.reportedProgress = percent
                    try Outbox.enqueue(EventEnvelope(source: "provider-bridge", subject: prediction.jobID, workspaceID: prediction.workspaceID,
                                                     data: VideoProgress(predictionID: prediction.predictionID, percent: percent)), in: db)
                }
            }
            prediction.updatedAt = now
            try prediction.update(db)
            return .running
        }
        prediction.providerStatus = nil
        try prediction.finish(ending, now: now, in: db)
        return .finished
    }

    /// The output URL storage-uploader should fetch: as given, or a local file when the provider's
    /// credentials are needed to fetch it. An output the provider answers 4xx for fails the job with
    /// `OUTPUT_UNAVAILABLE` rather than hand on a link nobody can open; a transport failure or 5xx
    /// throws, and the next check tries again.
    private func fetchIfNeeded(_ outputURL: String, jobID: String, provider: any VideoProvider) async throws -> GenerationResult {
        guard let headers = provider.outputDownloadHeaders, let url = URL(string: outputURL) else {
            return .generated(outputURL: outputURL, posterURL: nil)
        }
        try FileManager.default.createDirectory(at: renders.directory, withIntermediateDirectories: true)
        let file = renders.video(of: jobID)
        let status = try await client.download(url, headers: headers, to: file)
        switch status {
        case 200..<300:
            return .generated(outputURL: file.absoluteString, posterURL: nil)
        case 400..<500:
            return .failed(RoomReelError(.outputUnavailable, "\(provider.name) answered \(status) for the output"), stage: "generation")
        default:
            logger.warning("Provider output not fetched; will try again", metadata: ["job_id": "\(jobID)", "status": "\(status)"])
            throw ProviderCallError.unavailable("output download answered \(status)")
        }
    }
}
