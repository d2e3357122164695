import EventContracts
import Foundation
import Hummingbird

/// RoomAI's Video AI (seed 003) under `/api/v1`: `POST /generate` with `model: "video"`, a room
/// photo's URL, a design style and a prompt, answered synchronously with the video's URL (in the
/// field the seed calls `image_url`) and the 10 tokens it cost. A translation onto the core's
/// walkthrough job at the seed's price.
struct RoomAIRoutes {
    let jobs: CompatJobs
    static let api = "roomai"

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/generate", use: generate)
    }

    @Sendable func generate(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        let body = try await CompatJSON.object(request, limit: jobs.maxUploadBytes)
        guard let model = try CompatJSON.text(body, "model") else { throw APIError(.invalidRequest, "model is required; this endpoint makes \"video\"") }
        guard model == "video" else { throw APIError(.invalidRequest, "model must be \"video\"; got '\(model)'") }
        guard let image = try CompatJSON.text(body, "image") else { throw APIError(.imageRequired, "image is required: the URL of the room photo") }
        guard let url = URL(string: image), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw APIError(.invalidRequest, "image must be an http or https URL")
        }
        var fields = ["video_type": VideoType.walkthrough.rawValue]
        if let style = try CompatJSON.text(body, "styles") { fields["style"] = style }
        if let prompt = try CompatJSON.text(body, "prompt") { fields["prompt"] = prompt }
        if let webhook = try CompatJSON.text(body, "webhook") { fields["webhook_url"] = webhook }
        let accepted = try await jobs.accept(VideoSubmission(fields: fields, photos: ["image": [.url(url)]]),
                                             request: request, context: context, api: Self.api, priceRoute: "roomai")
        let job = try await jobs.finished(accepted, within: jobs.settings.roomAIWaitSeconds)
        if let failure = CompatJobs.failure(job) { throw failure }
        guard job.status == .completed, let video = jobs.videoURL(job) else {
            return CompatJSON.response([
                "status": "processing",
                "result": ["job_id": job.id, "model": "video", "tokens_used": CompatJobs.credits(job)],
            ], status: .accepted)
        }
        let elapsed = ContinuousClock.now - started
        return CompatJSON.response([
            "status": "success",
            "result": [
                "image_url": video, "model": "video", "tokens_used": CompatJobs.credits(job),
                "processing_time_ms": elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000,
            ],
        ], status: .ok)
    }

    /// `{"status": "error", "error": {"code", "message", …}}`: the seed's INSUFFICIENT_TOKENS with
    /// `required` and `balance` for the core's INSUFFICIENT_CREDITS, the core's code otherwise; the
    /// core's code is always in `roomreel_code`.
    static func error(_ error: APIError) -> [String: Any] {
        let core = error.error.code
        var detail: [String: Any] = [
            "code": core == .insufficientCredits ? "INSUFFICIENT_TOKENS" : core.rawValue,
            "message": core == .insufficientCredits ? "Not enough tokens" : error.error.message,
            "roomreel_code": core.rawValue,
        ]
        for (key, value) in error.error.details { detail[key] = value }
        return ["status": "error", "error": detail]
    }
}
