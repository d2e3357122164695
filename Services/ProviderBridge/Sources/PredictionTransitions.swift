import Foundation
import GRDB
import Shared

/// How a generation ended, as the bridge records it.
enum GenerationResult: Sendable, Equatable {
    case generated(outputURL: String, posterURL: String?)
    case failed(RoomReelError, stage: String)
}

/// The prediction's moves between states, each with the events it announces, written in the caller's
/// transaction (with the inbox row or webhook receipt that caused it): a state and its events are
/// committed together or not at all.
extension PredictionRecord {
    /// The provider accepted the job: records its id and announces `video.submitted`. Only a pending
    /// prediction moves; returns whether it did.
    @discardableResult
    mutating func markSubmitted(predictionID: String, nextCheckAt: Date?, now: Date, in db: Database) throws -> Bool {
        guard status == .pending else { return false }
        self.predictionID = predictionID
        status = .submitted
        submitAttempts += 1
        self.nextCheckAt = nextCheckAt
        updatedAt = now
        try update(db)
        try Outbox.enqueue(EventEnvelope(
            source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
            data: VideoSubmitted(provider: provider, predictionID: predictionID)), in: db)
        return true
    }

    /// Ends the generation: `video.generated` or `video.failed`, and `provider.outcome` for the
    /// routers' circuit breakers. A prediction already terminal stays as it is; returns whether this
    /// call ended it.
    @discardableResult
    mutating func finish(_ result: GenerationResult, now: Date, in db: Database) throws -> Bool {
        guard !status.isTerminal else { return false }
        updatedAt = now
        nextCheckAt = nil
        switch result {
        case .generated(let outputURL, let posterURL):
            status = .succeeded
            self.outputURL = outputURL
            try Outbox.enqueue(EventEnvelope(
                source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
                data: VideoGenerated(provider: provider, predictionID: predictionID, outputURL: outputURL,
                                     destinationPrefix: try? decodedRouted().request.destinationPrefix, posterURL: posterURL)), in: db)
            try Outbox.enqueue(EventEnvelope(
                source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
                data: ProviderOutcome.success(provider: provider, modelID: modelID)), in: db)
        case .failed(let error, let stage):
            status = .failed
            errorCode = error.code.rawValue
            errorMessage = error.message
            try Outbox.enqueue(EventEnvelope(
                source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
                data: VideoFailed(stage: stage, code: error.code, message: error.message)), in: db)
            // The routers' circuit breakers count this against the provider (they ignore refusals
            // of content and bad input).
            try Outbox.enqueue(EventEnvelope(
                source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
                data: ProviderOutcome.failure(provider: provider, modelID: modelID, error: error)), in: db)
        }
        try update(db)
        return true
    }

    /// A call to the provider failed in a way its health depends on (credentials refused) while the
    /// job itself goes on: `provider.outcome` alone.
    func reportProviderFailure(_ error: RoomReelError, in db: Database) throws {
        try Outbox.enqueue(EventEnvelope(
            source: "provider-bridge", subject: jobID, workspaceID: workspaceID,
            data: ProviderOutcome.failure(provider: provider, modelID: modelID, error: error)), in: db)
    }
}
