import EventContracts
import EventRuntime
import Foundation
import GRDB
import LocalRender
import Logging
import ModelCatalog
import ObjectStorage
import ServiceLifecycle

/// Renders the local provider's submitted predictions, oldest first, and records each result with its
/// `video.generated` or `video.failed` event in one transaction. Work comes from the predictions table,
/// not from memory, so a render cut short by a crash starts again on restart.
struct LocalRenderWorker: Service {
    let database: ServiceDatabase
    let renderer: LocalRenderer
    /// What a job that names a local model without a `video_type` makes: that model's video type.
    let catalog: ModelCatalog
    let storage: LocalBlobStore
    let files: RenderFiles
    /// The replica's render slots, shared with the other shards' workers.
    let slots: RenderSlots
    let logger: Logger

    func run() async throws {
        try FileManager.default.createDirectory(at: files.directory, withIntermediateDirectories: true)
        try files.sweep(database: database.pool, logger: logger)
        // Woken by inserts into the predictions table (a local job is inserted `submitted`), not by
        // the updates every webhook makes. (A value observation of `status` re-ran its query after
        // each webhook's commit.)
        try await database.withInsertWakeups(table: PredictionRecord.databaseTableName) { inserts in
            for await _ in inserts.cancelOnGracefulShutdown() {
                while let prediction = try await nextPrediction() {
                    guard !Task.isShuttingDownGracefully else { return }
                    guard await slots.withSlot({ await render(prediction) }) != nil else { return }
                }
            }
        }
    }

    private func nextPrediction() async throws -> PredictionRecord? {
        try await database.pool.read { db in
            try PredictionRecord.oldestSubmitted(provider: LocalRenderer.providerName).fetchOne(db)
        }
    }

    private func render(_ prediction: PredictionRecord) async {
        let started = ContinuousClock.now
        let output = files.video(of: prediction.jobID)
        let poster = files.poster(of: prediction.jobID)
        let result: Result<Void, RoomReelError>
        // The renderer's progress goes out as `video.progress` from a task of its own, so the
        // encoding never waits for a commit.
        let (reports, report) = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))
        result = await withTaskGroup(of: Void.self) { group in
            group.addTask { for await percent in reports { await publishProgress(percent, of: prediction) } }
            defer { report.finish() }
            do {
                let routed = try prediction.decodedRouted()
                try await renderer.render(try Self.renderRequest(for: routed, catalog: catalog, storage: storage), video: output, poster: poster,
                                          logFile: files.log(of: prediction.jobID), progress: { report.yield($0) })
                return .success(())
            } catch let error as RoomReelError {
                return .failure(error)
            } catch {
                return .failure(RoomReelError(.generationFailed, "local render failed: \(error)"))
            }
        }
        do {
            try await database.pool.write { db in
                // Only a prediction still in flight may move on: a terminal state never changes.
                guard var current = try PredictionRecord.fetchOne(db, key: prediction.jobID), current.status == .submitted else { return }
                switch result {
                case .success:
                    try current.finish(.generated(outputURL: output.absoluteString, posterURL: poster.absoluteString), now: Date(), in: db)
                case .failure(let error):
                    try current.finish(.failed(error, stage: "generation"), now: Date(), in: db)
                }
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

    /// Publishes `video.progress` through the outbox while the prediction is still being made; a
    /// report that cannot be written is dropped (the video does not depend on it).
    private func publishProgress(_ percent: Int, of prediction: PredictionRecord) async {
        do {
            try await database.pool.write { db in
                guard let current = try PredictionRecord.fetchOne(db, key: prediction.jobID), current.status == .submitted else { return }
                try Outbox.enqueue(EventEnvelope(source: "provider-bridge", subject: current.jobID, workspaceID: current.workspaceID,
                                                 data: VideoProgress(predictionID: current.predictionID, percent: percent)), in: db)
            }
        } catch {
            logger.debug("Could not record render progress", metadata: ["job_id": "\(prediction.jobID)", "error": "\(error)"])
        }
    }

    /// What the routed job asks the local renderer for: the video type (the local model's own) decides the content, the job's input images (stored by api-ingress) feed it in
    /// order, and the design style grades it.
    static func renderRequest(for routed: VideoRouted, catalog: ModelCatalog, storage: LocalBlobStore) throws -> RenderRequest {
        let spec = routed.request
        let images = try routed.inputImageKeys.map { try storage.fileURL(for: $0) }
        // A local model makes only its own kind of video, whatever the request's video_type.
        let modelTypes = catalog.model(named: routed.modelID)?.videoTypes ?? []
        let videoType = spec.videoType.flatMap { modelTypes.isEmpty || modelTypes.contains($0) ? $0 : nil } ?? modelTypes.first ?? .cameraMotion
        func onePhoto() throws -> URL {
            guard let image = images.first, images.count == 1 else {
                throw RoomReelError(.modelCannotDo, "a \(videoType.rawValue) on the local renderer takes one image; got \(images.count)")
            }
            return image
        }
        let content: RenderRequest.Content
        switch videoType {
        case .beforeAfter:
            guard images.count == 2 else {
                throw RoomReelError(.modelCannotDo, "before_after needs exactly two images (before, after); got \(images.count)")
            }
            content = .beforeAfter(before: images[0], after: images[1], reveal: spec.reveal ?? .wipe)
        case .socialReel:
            content = .socialReel(images: images)
        case .walkthrough:
            content = .walkthrough(image: try onePhoto())
        case .floorplanFlythrough:
            content = .floorPlanFlythrough(image: try onePhoto())
        case .productSpotlight:
            content = .productSpotlight(image: try onePhoto())
        case .cameraMotion:
            guard let motion = spec.cameraMotion else {
                throw RoomReelError(.modelCannotDo, "a camera move needs a camera_motion")
            }
            content = .cameraMotion(motion, image: try onePhoto())
        }
        return RenderRequest(content: content, aspectRatio: spec.aspectRatio, resolution: spec.resolution ?? .p720,
                             framesPerSecond: spec.framesPerSecond ?? 30, durationSeconds: routed.secondsToGenerate,
                             focus: spec.focus ?? .centre, style: spec.style)
    }
}
