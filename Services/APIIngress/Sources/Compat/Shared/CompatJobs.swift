import EventContracts
import Foundation
import GRDB
import Hummingbird
import ModelCatalog

/// What every compatibility adapter needs of the core: taking a job through the one intake, reading
/// it back for the caller, waiting for it to finish, and its links. An adapter translates; this does.
struct CompatJobs: Sendable {
    let intake: JobIntake
    let completions: JobSignals
    let settings: CompatSettings
    let maxUploadBytes: Int

    var catalog: ModelCatalog { intake.routing.catalog }

    /// Takes the job through the core's intake and returns it (the earlier job for a repeated
    /// `Idempotency-Key`). `route` names the price list that applies, if any.
    func accept(_ form: VideoSubmission, request: Request, context: IngressRequestContext, api: String,
                priceRoute: String? = nil) async throws -> JobRecord {
        let workspaceID = try context.requireWorkspace()
        let price = priceRoute.flatMap { route in preferredModelID(of: form).flatMap { settings.prices.credits(route: route, modelID: $0) } }
        let outcome = try await intake.accept(form, workspaceID: workspaceID, idempotencyKey: try VideoRoutes.idempotencyKey(of: request),
                                              api: api, price: price)
        switch outcome {
        case .created(let job, _):
            context.logger.info("Accepted job", metadata: ["job_id": "\(job.id)", "api": "\(api)", "model": "\(job.model ?? "")"])
            return job
        case .replayed(let earlier):
            guard let job = try await job(earlier.jobID, workspaceID: workspaceID) else {
                throw APIError(.notFound, "video job '\(earlier.jobID)' not found")
            }
            return job
        }
    }

    /// The catalog id of the model a submission names or its video type defaults to.
    func preferredModelID(of form: VideoSubmission) -> String? {
        if let name = form.text("model") { return catalog.model(named: name)?.id }
        return form.text("video_type").flatMap(VideoType.init(rawValue:)).flatMap { catalog.defaults[$0] }
    }

    /// The caller's job, or nil when there is none (another workspace's, or deleted).
    func job(_ id: String, workspaceID: String) async throws -> JobRecord? {
        let job = try await intake.files.database(of: workspaceID).pool.read { db in try JobRecord.fetchOne(db, key: id) }
        guard let job, job.workspaceID == workspaceID, job.deletedAt == nil else { return nil }
        return job
    }

    /// The job once it finished, or as it stands after `seconds`.
    func finished(_ job: JobRecord, within seconds: Int) async throws -> JobRecord {
        let database = try intake.files.database(of: job.workspaceID)
        let load: @Sendable () async throws -> JobRecord? = { try await database.pool.read { db in try JobRecord.fetchOne(db, key: job.id) } }
        try await completions.wait(for: job.id, timeout: .seconds(seconds), recheck: intake.files.recheck(for: job.workspaceID)) {
            try await load()?.status.isTerminal == true
        }
        return try await load() ?? job
    }

    /// The workspace's balance as the ledger view shows it; nil before it has heard of the workspace.
    func balance(workspaceID: String) async throws -> Int64? {
        try await intake.files.database(of: workspaceID).pool.read { db in try WorkspaceBalanceRecord.fetchOne(db, key: workspaceID) }?.balance(at: Date())
    }

    func videoURL(_ job: JobRecord) -> String? { job.videoKey.map { intake.videoLinks.url(for: $0, localBaseURL: intake.publicBaseURL()) } }
    func posterURL(_ job: JobRecord) -> String? { job.posterKey.map { intake.videoLinks.url(for: $0, localBaseURL: intake.publicBaseURL()) } }
    var publicBaseURL: String { intake.publicBaseURL() }

    /// The credits the job costs: debited, or quoted until billing has debited it.
    static func credits(_ job: JobRecord) -> Int64 { job.creditsDebited ?? job.quotedCredits }

    /// The job's error as the core states it: its code and message.
    static func failure(_ job: JobRecord) -> APIError? {
        guard job.status == .failed else { return nil }
        let code = job.errorCode.flatMap(ErrorCode.init(rawValue:)) ?? .generationFailed
        let details = job.errorDetails.flatMap { try? JSONDecoder().decode([String: Int64].self, from: Data($0.utf8)) } ?? [:]
        return APIError(code, job.errorMessage ?? "the video could not be made", details: details)
    }
}
