import Foundation
import GRDB
import Logging
import Shared

/// Records what a provider says about a job, whichever way it came (signed webhook, confirmed
/// callback, poll): a terminal answer ends the prediction with its events; a running one notes the
/// provider's status. Outputs that need the provider's credentials to fetch (Veo) are downloaded here
/// first, into the render folder, and handed on as a file.
struct GenerationRecorder: Sendable {
    let database: ServiceDatabase
    let renderDirectory: URL
    let client: ServiceHTTPClient
    let logger: Logger

    enum Recorded: Equatable {
        /// This answer ended the job.
        case finished
        /// Still running at the provider.
        case running
        /// The job had already ended; nothing changed.
        case alreadyFinal
        /// No such job.
        case unknown
    }

    /// Records `progress` for `jobID`. `receipt`, when given, is written in the same transaction
    /// (a webhook's dedupe row). `countCheck` adds one to the job's status GETs.
    @discardableResult
    func record(_ progress: ProviderProgress, jobID: String, provider: any VideoProvider, receipt: WebhookReceiptRecord? = nil,
                countCheck: Bool = false, adoptPredictionID: String? = nil) async throws -> Recorded {
        var result: GenerationResult?
        switch progress {
        case .running:
            result = nil
        case .succeeded(let outputURL?):
            result = try await fetchIfNeeded(outputURL, jobID: jobID, provider: provider)
        case .succeeded(nil):
            result = .failed(RoomReelError(.outputUnavailable, "\(provider.name) reported success but gave no video"), stage: "generation")
        case .failed(let error):
            result = .failed(error, stage: "generation")
        }
        let now = Date()
        let ending = result
        return try await database.pool.write { db -> Recorded in
            if let receipt { try receipt.insert(db) }
            guard var prediction = try PredictionRecord.fetchOne(db, key: jobID) else { return .unknown }
            if countCheck {
                prediction.statusChecks += 1
            }
            guard !prediction.status.isTerminal else {
                if countCheck { try prediction.update(db) }
                return .alreadyFinal
            }
            if let adoptPredictionID, prediction.status == .pending {
                // A signed webhook overtook the create call's answer: its prediction id is the provider's word.
                try prediction.markSubmitted(predictionID: adoptPredictionID, nextCheckAt: nil, now: now, in: db)
            }
            guard let ending else {
                if case .running(let status) = progress { prediction.providerStatus = status }
                prediction.updatedAt = now
                try prediction.update(db)
                return .running
            }
            if case .running = progress {} else { prediction.providerStatus = nil }
            try prediction.finish(ending, now: now, in: db)
            return .finished
        }
    }

    /// The output URL storage-uploader should fetch: as given, or a local file when the provider's
    /// credentials are needed to fetch it. An output the provider answers 4xx for fails the job with
    /// `OUTPUT_UNAVAILABLE` rather than hand on a link nobody can open; a transport failure or 5xx
    /// throws, and the next check tries again.
    private func fetchIfNeeded(_ outputURL: String, jobID: String, provider: any VideoProvider) async throws -> GenerationResult {
        guard let headers = provider.outputDownloadHeaders, let url = URL(string: outputURL) else {
            return .generated(outputURL: outputURL, posterURL: nil)
        }
        try FileManager.default.createDirectory(at: renderDirectory, withIntermediateDirectories: true)
        let file = renderDirectory.appendingPathComponent("\(jobID).mp4")
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
