import EventContracts
import Foundation
import Hummingbird

/// Wevion's creative hub (seed 002) under `/api/v1/creative-hub/generate`: `POST /video` with a
/// prompt, `luma_ray3` or `runway_gen4`, an optional photo, 2–10 s, a ratio and a Drive folder,
/// answered `202 {job_id, status: "pending"}`; `GET /jobs/{id}` with `result_urls` and `cost_cents`.
/// A translation onto the core job: the folder becomes the job's destination prefix.
struct WevionRoutes {
    let jobs: CompatJobs
    static let api = "wevion"
    static let providers = ["luma_ray3": "luma-ray3", "runway_gen4": "runway-gen4"]

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/video", use: create)
        router.get("/jobs/:id", use: show)
    }

    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let body = try await CompatJSON.object(request, limit: jobs.maxUploadBytes)
        guard let prompt = try CompatJSON.text(body, "prompt"), (1...2000).contains(prompt.count) else {
            throw APIError(.invalidRequest, "prompt is required: 1-2000 characters")
        }
        let provider = try CompatJSON.text(body, "provider") ?? "luma_ray3"
        guard let model = Self.providers[provider] else {
            throw APIError(.invalidRequest, "provider must be one of luma_ray3, runway_gen4; got '\(provider)'")
        }
        // The seed's runway_gen4 takes text alone; RoomReel's Runway models need a photo, so the job may
        // move to another model of its price (the job says which, and why).
        var fields = ["prompt": prompt, "model": model, "fallback": "true"]
        if let duration = try CompatJSON.text(body, "duration") {
            guard let seconds = Double(duration), (2...10).contains(seconds) else {
                throw APIError(.invalidRequest, "duration must be 2-10 seconds; got '\(duration)'")
            }
            fields["duration"] = duration
        }
        if let ratio = try CompatJSON.text(body, "aspect_ratio") { fields["aspect_ratio"] = ratio }
        if let folder = try CompatJSON.text(body, "drive_folder_id") { fields["destination_prefix"] = folder }
        var photos: [String: [VideoSubmission.PhotoSource]] = [:]
        if let imageURL = try CompatJSON.text(body, "image_url") {
            guard let url = URL(string: imageURL), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw APIError(.invalidRequest, "image_url must be an http or https URL")
            }
            photos["image"] = [.url(url)]
        }
        let job = try await jobs.accept(VideoSubmission(fields: fields, photos: photos), request: request, context: context, api: Self.api)
        return CompatJSON.response(["job_id": job.id, "status": "pending"], status: .accepted)
    }

    /// `GET /jobs/{id}`: pending, processing, completed (with `result_urls`: the one mp4) or failed
    /// (with `error_message`); `cost_cents` is the credits debited, a credit being a cent.
    @Sendable func show(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let job = try await jobs.job(id, workspaceID: try context.requireWorkspace()) else { throw APIError(.notFound, "job '\(id)' not found") }
        let provider = Self.providers.first { $0.value == job.model }?.key ?? job.model ?? ""
        var answer: [String: Any] = [
            "job_id": job.id, "id": job.id, "type": "video", "status": Self.status(job.status), "provider": provider,
            "prompt": job.prompt ?? NSNull(), "result_urls": jobs.videoURL(job).map { [$0] } ?? [],
            "cost_cents": job.creditsDebited ?? 0, "error_message": NSNull(),
            "created_at": EventCoding.format(job.createdAt), "updated_at": EventCoding.format(job.updatedAt),
        ]
        if let failure = CompatJobs.failure(job) {
            answer["error_message"] = failure.error.message
            answer["error_code"] = failure.error.code.rawValue
        }
        return CompatJSON.response(answer, status: .ok)
    }

    static func status(_ status: JobRecord.Status) -> String {
        switch status {
        case .queued: "pending"
        case .processing: "processing"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    /// `{"error": <message>, "code": <the core's code>}`.
    static func error(_ error: APIError) -> [String: Any] {
        var body: [String: Any] = ["error": error.error.message, "code": error.error.code.rawValue]
        if !error.error.details.isEmpty { body["details"] = error.error.details }
        return body
    }
}
