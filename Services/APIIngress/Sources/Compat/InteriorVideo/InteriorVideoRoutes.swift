import EventContracts
import Foundation
import Hummingbird

/// The `generate-interior-video-v2` and `generate-social-video` edge functions (seed 000) under
/// `/functions/v1`: a JSON request with `workspace_id` in the body (which the bearer JWT must be
/// allowed to use), an answer held for up to 55 s, then `status: "processing"` and a poll by
/// `?job_id=`. A translation onto the core job; the seed's model table is its price list.
struct InteriorVideoRoutes {
    let jobs: CompatJobs
    static let api = "interior-video"

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/generate-interior-video-v2", use: generateInteriorVideo)
        router.get("/generate-interior-video-v2", use: poll)
        router.post("/generate-social-video", use: generateSocialVideo)
    }

    @Sendable func generateInteriorVideo(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let body = try await CompatJSON.object(request, limit: jobs.maxUploadBytes)
        guard try CompatJSON.text(body, "video_type") != nil || CompatJSON.text(body, "model") != nil else {
            throw APIError(.invalidRequest, "one of video_type or model is required")
        }
        return try await generate(body, request: request, context: context, priceRoute: "interior-video", defaults: [:])
    }

    /// The social-media variant: kling-1.6-pro unless `model` says veo-2 (which the seed delegates to
    /// the main function), 9:16 unless asked otherwise, and the social reel's routing.
    @Sendable func generateSocialVideo(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let body = try await CompatJSON.object(request, limit: jobs.maxUploadBytes)
        let model = try CompatJSON.text(body, "model") ?? "kling-1.6-pro"
        guard ["kling-1.6-pro", "veo-2"].contains(model) else {
            throw APIError(.invalidRequest, "model must be kling-1.6-pro or veo-2; got '\(model)'")
        }
        return try await generate(body, request: request, context: context, priceRoute: "social-video",
                                  defaults: ["model": model, "aspect_ratio": AspectRatio.portrait.rawValue])
    }

    private func generate(_ body: [String: Any], request: Request, context: IngressRequestContext, priceRoute: String,
                          defaults: [String: String]) async throws -> Response {
        let started = ContinuousClock.now
        guard let imageURL = try CompatJSON.text(body, "image_url") else { throw APIError(.imageRequired, "image_url is required") }
        guard let prompt = try CompatJSON.text(body, "prompt") else { throw APIError(.invalidRequest, "prompt is required") }
        guard let workspace = try CompatJSON.text(body, "workspace_id") else { throw APIError(.invalidRequest, "workspace_id is required") }
        var context = context
        context.identity = try context.workspace(named: workspace)
        var fields = defaults.merging(["prompt": prompt]) { $1 }
        for key in ["video_type", "model", "aspect_ratio", "duration"] {
            if let value = try CompatJSON.text(body, key) { fields[key] = value }
        }
        guard let url = URL(string: imageURL), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw APIError(.invalidRequest, "image_url must be an http or https URL")
        }
        let submission = VideoSubmission(fields: fields, photos: ["image": [.url(url)]])
        let accepted = try await jobs.accept(submission, request: request, context: context, api: Self.api, priceRoute: priceRoute)
        let job = try await jobs.finished(accepted, within: jobs.settings.interiorWaitSeconds)
        if let failure = CompatJobs.failure(job) { throw failure }
        if job.status == .completed, let video = jobs.videoURL(job) {
            let elapsed = ContinuousClock.now - started
            return CompatJSON.response([
                "success": true, "video_url": video, "model": job.model ?? "", "credits_used": CompatJobs.credits(job),
                "duration_ms": elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000,
            ], status: .ok)
        }
        return CompatJSON.response([
            "success": true, "status": "processing", "job_id": job.id, "prediction_id": job.predictionID ?? NSNull(),
            "model": job.model ?? "", "credits_used": CompatJobs.credits(job),
            "message": "Video generation in progress. Poll /functions/v1/generate-interior-video-v2?job_id=\(job.id)",
        ], status: .ok)
    }

    /// `GET …?job_id=`: the job as the seed's `generation_videos` row.
    @Sendable func poll(_ request: Request, context: IngressRequestContext) async throws -> Response {
        guard let id = request.uri.queryParameters["job_id"].map(String.init) else { throw APIError(.invalidRequest, "job_id is required") }
        let workspaces = [try context.requireWorkspace()] + context.grantedWorkspaces
        var found: JobRecord?
        for workspace in workspaces where found == nil { found = try await jobs.job(id, workspaceID: workspace) }
        guard let job = found else { throw APIError(.notFound, "job '\(id)' not found") }
        var row: [String: Any] = [
            "success": true, "id": job.id, "job_id": job.id, "status": Self.status(job.status),
            "prediction_id": job.predictionID ?? NSNull(), "video_url": jobs.videoURL(job) ?? NSNull(), "model": job.model ?? "",
            "credits_debited": job.creditsDebited ?? NSNull(), "credits_used": CompatJobs.credits(job), "workspace_id": job.workspaceID,
        ]
        if let failure = CompatJobs.failure(job) {
            row["error"] = failure.error.message
            row["code"] = failure.error.code.rawValue
        }
        return CompatJSON.response(row, status: .ok)
    }

    /// The `generation_videos.status` words: processing, completed, failed.
    static func status(_ status: JobRecord.Status) -> String {
        switch status {
        case .queued, .processing: "processing"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    /// An edge function's error: `{"success": false, "error": <message>, "code": <the core's code>}`,
    /// with `required` and `balance` when credits ran short.
    static func error(_ error: APIError) -> [String: Any] {
        var body: [String: Any] = ["success": false, "error": error.error.message, "code": error.error.code.rawValue]
        for (key, value) in error.error.details { body[key] = value }
        return body
    }
}
