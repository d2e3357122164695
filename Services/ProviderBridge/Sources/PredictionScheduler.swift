import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import LocalRender
import Media
import ModelCatalog
import ObjectStorage
import ServiceLifecycle
import Synchronization

/// Timing rules for remote jobs.
struct SchedulingRules: Sendable {
    var catalog: ModelCatalog
    var defaultTimeLimit: Duration
    var reconcileAfter: Duration?
    var pollInterval: Duration
    var submitAttempts: Int
    var retryBaseDelay: Duration

    /// When a job with no result fails with `GENERATION_TIMEOUT`: its model's limit, or the default.
    func deadline(modelID: String, from start: Date) -> Date {
        let limit = catalog.model(named: modelID)?.timeLimitSeconds.map { Double($0) } ?? defaultTimeLimit.seconds
        return start.addingTimeInterval(limit)
    }

    /// When a webhook provider's job is first checked with a GET if no webhook has ended it: one
    /// and a half times the model's typical latency (or the configured interval); later checks follow
    /// at that interval.
    func reconcileInterval(modelID: String) -> Double {
        reconcileAfter?.seconds ?? Double(catalog.model(named: modelID)?.typicalLatencySeconds ?? 300) * 1.5
    }

    /// The wait before poll number `checks + 1` of a polled job: the poll interval, doubling, at most 12 times it.
    func pollDelay(afterChecks checks: Int) -> Double {
        pollInterval.seconds * Double(min(1 << min(checks, 4), 12))
    }

    /// The wait before create attempt `attempt + 1`: the provider's `Retry-After` when it gave one,
    /// else the base delay doubling.
    func submitBackoff(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        max(retryAfter ?? 0, retryBaseDelay.seconds * Double(1 << min(attempt - 1, 10)))
    }
}

/// Drives remote jobs forward from the predictions table: creates them at their provider (retrying
/// rate limits and provider faults with backoff, up to a bound), polls those whose provider has no
/// webhook (Veo, Runway), reconciles webhook jobs that are overdue with one GET, and fails any job past
/// its time limit with `GENERATION_TIMEOUT`. Everything it needs is in the table, so a restart picks up
/// where the last run stopped. One job is never worked on twice at once, so a provider sees at most one
/// request per job per interval.
struct PredictionScheduler: Service {
    let database: ServiceDatabase
    let providers: [String: any VideoProvider]
    let rules: SchedulingRules
    let callbacks: CallbackURLs
    let inputs: LocalBlobStore
    /// Crops photos for models whose video takes the photo's shape.
    let cropper: PhotoCropper
    /// Where cropped photos are written while they are sent.
    let workDirectory: URL
    let recorder: GenerationRecorder
    /// The longest sleep without a wake-up.
    let tick: Duration
    let logger: Logger
    /// Jobs worked on at once.
    var concurrency = 16

    /// Sleeps until there is work: a new prediction (an insert), the earliest `next_check_at` of
    /// those not in hand, or the end of a step (which may have moved its job's time). `tick` bounds
    /// each sleep, so a time moved by some other path is still seen.
    func run() async throws {
        let inFlight = JobsInFlight()
        try await database.withWakeups(on: .insertsInto(PredictionRecord.databaseTableName)) { wakeups in
            let stepped = wakeups.wake
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    var nextDue: Date?
                    let busy = inFlight.jobs.withLock { $0 }
                    do {
                        let now = Date()
                        let due = try await dueJobs(now: now, excluding: busy, limit: concurrency - busy.count)
                        for prediction in due {
                            inFlight.jobs.withLock { _ = $0.insert(prediction.jobID) }
                            group.addTask {
                                await work(on: prediction)
                                inFlight.jobs.withLock { _ = $0.remove(prediction.jobID) }
                                stepped()
                            }
                        }
                        nextDue = try await earliestDue(excluding: busy.union(due.map(\.jobID)))
                    } catch {
                        logger.error("Could not read due predictions", metadata: ["error": "\(error)"])
                    }
                    let latest = ContinuousClock.now + tick
                    await wakeups.next(orAt: nextDue.map { min(latest, ContinuousClock.now + .seconds($0.timeIntervalSinceNow)) } ?? latest)
                }
            }
        }
    }

    private func dueJobs(now: Date, excluding busy: Set<String>, limit: Int) async throws -> [PredictionRecord] {
        guard limit > 0 else { return [] }
        return try await database.pool.read { db in
            try PredictionRecord.due(now: now, excluding: busy, limit: limit).fetchAll(db)
        }
    }

    private func earliestDue(excluding busy: Set<String>) async throws -> Date? {
        try await database.pool.read { db in try PredictionRecord.earliestDue(excluding: busy).fetchOne(db) }
    }

    /// One step for one job.
    func work(on prediction: PredictionRecord) async {
        let now = Date()
        do {
            guard let provider = providers[prediction.provider] else {
                try await end(prediction.jobID, .failed(RoomReelError(.modelUnavailable, "provider '\(prediction.provider)' has no credentials configured"),
                                                        stage: "submission"))
                return
            }
            if let deadline = prediction.deadlineAt, now >= deadline {
                await timeOut(prediction, provider: provider)
                return
            }
            switch prediction.status {
            case .pending: try await submit(prediction, to: provider)
            case .submitted: try await check(prediction, at: provider)
            case .succeeded, .failed: return
            }
        } catch {
            logger.error("Could not move the job on; will try again", metadata: ["job_id": "\(prediction.jobID)", "error": "\(error)"])
            try? await reschedule(prediction.jobID, after: rules.retryBaseDelay.seconds)
        }
    }

    private func submit(_ prediction: PredictionRecord, to provider: any VideoProvider) async throws {
        let job: ProviderJob
        do {
            job = try await providerJob(for: prediction, provider: provider)
        } catch {
            try await end(prediction.jobID, .failed(RoomReelError(.internalError, "the job's input could not be read: \(error)"), stage: "submission"))
            return
        }
        let submitted: Result<String, ProviderCallError>
        do {
            submitted = .success(try await provider.submit(job))
        } catch {
            submitted = .failure(error)
        }
        switch submitted {
        case .success(let predictionID):
            let firstCheck = Date().addingTimeInterval(provider.completion == .polling
                ? rules.pollDelay(afterChecks: 0) : rules.reconcileInterval(modelID: prediction.modelID))
            try await database.pool.write { db in
                guard var current = try PredictionRecord.fetchOne(db, key: prediction.jobID) else { return }
                try current.markSubmitted(predictionID: predictionID, nextCheckAt: Self.capped(firstCheck, by: current.deadlineAt),
                                          now: Date(), in: db)
            }
            logger.info("Submitted job to provider", metadata: [
                "job_id": "\(prediction.jobID)", "provider": "\(provider.name)", "prediction_id": "\(predictionID)",
            ])
        case .failure(let error):
            let attempt = prediction.submitAttempts + 1
            if error.isRetryable && attempt < rules.submitAttempts {
                var retryAfter: Double?
                if case .rateLimited(let after, _) = error { retryAfter = after }
                let delay = rules.submitBackoff(afterAttempt: attempt, retryAfter: retryAfter)
                logger.warning("Provider refused the create call for now; will retry", metadata: [
                    "job_id": "\(prediction.jobID)", "attempt": "\(attempt)", "retry_in_seconds": "\(delay)", "error": "\(error)",
                ])
                try await database.pool.write { db in
                    guard var current = try PredictionRecord.fetchOne(db, key: prediction.jobID), current.status == .pending else { return }
                    current.submitAttempts = attempt
                    current.nextCheckAt = Date().addingTimeInterval(delay)
                    current.updatedAt = Date()
                    try current.update(db)
                }
            } else {
                logger.error("Provider did not take the job", metadata: ["job_id": "\(prediction.jobID)", "attempts": "\(attempt)", "error": "\(error)"])
                try await end(prediction.jobID, .failed(error.jobError, stage: "submission"), attempts: attempt)
            }
        }
    }

    private func check(_ prediction: PredictionRecord, at provider: any VideoProvider) async throws {
        let checked: Result<ProviderProgress, ProviderCallError>
        do {
            checked = .success(try await provider.progress(of: prediction.predictionID))
        } catch {
            checked = .failure(error)
        }
        let progress: ProviderProgress
        switch checked {
        case .success(let answer):
            progress = answer
        case .failure(let error):
            try await database.pool.write { db in
                guard var current = try PredictionRecord.fetchOne(db, key: prediction.jobID), current.status == .submitted else { return }
                current.statusChecks += 1
                switch error {
                case .unknownTask:
                    try current.finish(.failed(error.jobError, stage: "generation"), now: Date(), in: db)
                    return
                case .authFailed:
                    try current.reportProviderFailure(error.jobError, in: db)
                default:
                    break
                }
                current.nextCheckAt = Self.capped(Date().addingTimeInterval(nextCheckDelay(current, provider: provider)), by: current.deadlineAt)
                try current.update(db)
            }
            logger.warning("Status check failed", metadata: ["job_id": "\(prediction.jobID)", "error": "\(error)"])
            return
        }
        let recorded = try await recorder.record(progress, jobID: prediction.jobID, provider: provider, countCheck: true)
        if recorded == .running {
            try await database.pool.write { db in
                guard var current = try PredictionRecord.fetchOne(db, key: prediction.jobID), current.status == .submitted else { return }
                current.nextCheckAt = Self.capped(Date().addingTimeInterval(nextCheckDelay(current, provider: provider)), by: current.deadlineAt)
                try current.update(db)
            }
        } else if recorded == .finished {
            logger.info("Generation ended (found by \(provider.completion == .polling ? "poll" : "reconciliation"))",
                        metadata: ["job_id": "\(prediction.jobID)", "provider": "\(provider.name)"])
        }
    }

    private func nextCheckDelay(_ prediction: PredictionRecord, provider: any VideoProvider) -> Double {
        provider.completion == .polling ? rules.pollDelay(afterChecks: prediction.statusChecks) : rules.reconcileInterval(modelID: prediction.modelID)
    }

    private func timeOut(_ prediction: PredictionRecord, provider: any VideoProvider) async {
        if prediction.status == .submitted { await provider.cancel(prediction.predictionID) }
        let limit = prediction.deadlineAt.map { Int($0.timeIntervalSince(prediction.createdAt).rounded()) } ?? 0
        do {
            try await end(prediction.jobID, .failed(RoomReelError(.generationTimeout, "\(provider.name) gave no result within \(limit) s"),
                                                    stage: prediction.status == .pending ? "submission" : "generation"))
            logger.error("Generation timed out", metadata: ["job_id": "\(prediction.jobID)", "provider": "\(provider.name)"])
        } catch {
            logger.error("Could not record the timeout", metadata: ["job_id": "\(prediction.jobID)", "error": "\(error)"])
        }
    }

    private func end(_ jobID: String, _ result: GenerationResult, attempts: Int? = nil) async throws {
        try await database.pool.write { db in
            guard var current = try PredictionRecord.fetchOne(db, key: jobID) else { return }
            if let attempts { current.submitAttempts = attempts }
            try current.finish(result, now: Date(), in: db)
        }
    }

    private func reschedule(_ jobID: String, after seconds: Double) async throws {
        try await database.pool.write { db in
            guard var current = try PredictionRecord.fetchOne(db, key: jobID), !current.status.isTerminal else { return }
            current.nextCheckAt = Date().addingTimeInterval(seconds)
            try current.update(db)
        }
    }

    private static func capped(_ date: Date, by deadline: Date?) -> Date {
        guard let deadline else { return date }
        return min(date, deadline)
    }

    /// What the provider is sent: the routed job, its photos read from storage (cropped to the
    /// requested ratio for models whose video takes the photo's shape, with the URLs the bridge serves
    /// them at), the prompt with the style folded in, the length to generate, and the callback URL for
    /// its channel.
    func providerJob(for prediction: PredictionRecord, provider: any VideoProvider) async throws -> ProviderJob {
        let routed = try prediction.decodedRouted()
        let model = rules.catalog.model(named: routed.modelID)
        var images: [ProviderImage] = []
        for (index, key) in routed.inputImageKeys.enumerated() {
            var photo = try InputFiles.read(key, from: inputs)
            if model?.shapeFromPhoto == true {
                photo = try await cropped(photo, key: key, to: routed.request.aspectRatio, focus: routed.request.focus ?? .centre,
                                          name: "\(prediction.jobID).crop-\(index)")
            }
            images.append(ProviderImage(data: photo.data, mimeType: photo.mimeType, url: callbacks.inputURL(jobID: prediction.jobID, workspaceID: prediction.workspaceID, index: index)))
        }
        return ProviderJob(
            jobID: prediction.jobID, providerModelID: model?.providerModelID ?? routed.modelID,
            prompt: ProviderPrompt.text(for: routed.request), images: images, aspectRatio: routed.request.aspectRatio,
            durationSeconds: routed.secondsToGenerate,
            callbackURL: callbacks.url(provider: provider.name, jobID: prediction.jobID, workspaceID: prediction.workspaceID,
                                      channel: provider.completion))
    }

    /// `photo` cropped to `ratio` around `focus`, as a JPEG; the photo itself when it already has that shape.
    private func cropped(_ photo: InputFiles.Photo, key: String, to ratio: AspectRatio, focus: FocusPoint, name: String) async throws -> InputFiles.Photo {
        guard let header = ImageHeader.read(Array(photo.data)) else { return photo }
        let upright = header.uprightSize
        if header.orientation == .up, AspectRatio.of(width: upright.width, height: upright.height, tolerance: 0.005) == ratio { return photo }
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        // Named after the job (`RenderFiles`), so a crash's leftovers are swept with the job's files.
        let output = workDirectory.appendingPathComponent("\(name).jpg")
        let log = workDirectory.appendingPathComponent("\(name).log")
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: log)
        }
        try await cropper.crop(try inputs.fileURL(for: key), orientation: header.orientation, to: ratio, focus: focus, output: output, logFile: log)
        return InputFiles.Photo(data: try Data(contentsOf: output), mimeType: "image/jpeg")
    }
}

/// The jobs the scheduler is working on now, shared with the tasks that work on them.
private final class JobsInFlight: Sendable {
    let jobs = Mutex<Set<String>>([])
}
