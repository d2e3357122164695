import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Shared

/// Renders the local provider's submitted predictions, oldest first, and records each result with its
/// `video.generated` or `video.failed` event in one transaction. Work comes from the predictions table,
/// not from memory, so a render cut short by a crash starts again on restart.
struct LocalRenderWorker: Service {
    let database: ServiceDatabase
    let renderer: LocalRenderer
    let storage: LocalBlobStore
    let renderDirectory: URL
    let logger: Logger

    func run() async throws {
        try FileManager.default.createDirectory(at: renderDirectory, withIntermediateDirectories: true)
        let pending = ValueObservation.tracking { db in
            try PredictionRecord
                .filter(Column("provider") == LocalRenderer.providerName && Column("status") == PredictionRecord.Status.submitted.rawValue)
                .fetchCount(db)
        }
        for try await count in pending.values(in: database.pool, bufferingPolicy: .bufferingNewest(1)).cancelOnGracefulShutdown()
        where count > 0 {
            while let prediction = try await nextPrediction() {
                guard !Task.isShuttingDownGracefully else { return }
                await render(prediction)
            }
        }
    }

    private func nextPrediction() async throws -> PredictionRecord? {
        try await database.pool.read { db in
            try PredictionRecord
                .filter(Column("provider") == LocalRenderer.providerName && Column("status") == PredictionRecord.Status.submitted.rawValue)
                .order(Column("created_at"))
                .fetchOne(db)
        }
    }

    private func render(_ prediction: PredictionRecord) async {
        let started = ContinuousClock.now
        let output = renderDirectory.appendingPathComponent("\(prediction.jobID).mp4")
        let result: Result<Void, RoomReelError>
        do {
            let routed = try prediction.decodedRouted()
            guard let inputKey = routed.inputImageKeys.first, let motion = routed.request.cameraMotion else {
                throw RoomReelError(.modelCannotDo, "the local camera-motion model needs one image and a camera_motion")
            }
            try await renderer.render(
                motion: motion, input: try storage.fileURL(for: inputKey), output: output,
                aspectRatio: routed.request.aspectRatio, durationSeconds: routed.request.durationSeconds,
                logFile: renderDirectory.appendingPathComponent("\(prediction.jobID).log"))
            result = .success(())
        } catch let error as RoomReelError {
            result = .failure(error)
        } catch {
            result = .failure(RoomReelError(.generationFailed, "local render failed: \(error)"))
        }
        do {
            try await database.pool.write { db in
                // Only a prediction still in flight may move on: a terminal state never changes.
                guard var current = try PredictionRecord.fetchOne(db, key: prediction.jobID), current.status == .submitted else { return }
                current.updatedAt = Date()
                switch result {
                case .success:
                    current.status = .succeeded
                    current.outputURL = output.absoluteString
                    try Outbox.enqueue(EventEnvelope(
                        source: "provider-bridge", subject: current.jobID, workspaceID: current.workspaceID,
                        data: VideoGenerated(provider: current.provider, predictionID: current.predictionID,
                                             outputURL: output.absoluteString)), in: db)
                case .failure(let error):
                    current.status = .failed
                    current.errorCode = error.code.rawValue
                    current.errorMessage = error.message
                    try Outbox.enqueue(EventEnvelope(
                        source: "provider-bridge", subject: current.jobID, workspaceID: current.workspaceID,
                        data: VideoFailed(stage: "generation", code: error.code, message: error.message)), in: db)
                }
                try current.update(db)
            }
            let elapsed = ContinuousClock.now - started
            switch result {
            case .success:
                logger.info("Rendered job", metadata: ["job_id": "\(prediction.jobID)", "elapsed": "\(elapsed)"])
            case .failure(let error):
                logger.error("Local render failed", metadata: ["job_id": "\(prediction.jobID)", "error": "\(error)"])
            }
        } catch {
            // The prediction stays `submitted`; the next change or restart renders it again.
            logger.error("Could not record render result", metadata: ["job_id": "\(prediction.jobID)", "error": "\(error)"])
        }
    }
}
