import EventContracts
import Foundation
import Hummingbird

/// The Veo3 generation API (seed 004) under `/api/v1/generate`: `POST /video/` with a prompt,
/// `veo3_fast` or `veo3`, source image URLs and a ratio, answered `{success, data: {generation_id, …}}`
/// with the credits used and left; `GET /{id}/` for the status. `Authorization: Token …` works as
/// well as Bearer. A translation onto the core job at the seed's prices.
struct Veo3APIRoutes {
    let jobs: CompatJobs
    static let api = "veo3-api"
    static let models = ["veo3_fast": "veo3-fast", "veo3": "veo3"]
    static let maxPromptLength = 1000

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/video/", use: create)
        router.get("/:id/", use: show)
    }

    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let body = try await CompatJSON.object(request, limit: jobs.maxUploadBytes)
        guard let prompt = try CompatJSON.text(body, "prompt"), !prompt.isEmpty else {
            throw CompatRefusal.veo3(APIError(.invalidRequest, "Prompt is required"), fields: ["prompt": "This field is required"])
        }
        guard prompt.count <= Self.maxPromptLength else {
            throw CompatRefusal.veo3(APIError(.promptTooLong, "Prompt is too long"),
                              fields: ["prompt": "Ensure this field has no more than \(Self.maxPromptLength) characters."])
        }
        let videoModel = try CompatJSON.text(body, "video_model") ?? "veo3_fast"
        guard let model = Self.models[videoModel] else {
            throw CompatRefusal.veo3(APIError(.invalidRequest, "Invalid video_model"),
                              fields: ["video_model": "\"\(videoModel)\" is not a valid choice. Choose veo3_fast or veo3."])
        }
        var fields = ["prompt": prompt, "model": model]
        if let ratio = try CompatJSON.text(body, "aspect_ratio") { fields["aspect_ratio"] = ratio }
        let urls = try CompatJSON.texts(body, "source_image_urls") ?? []
        let photos = try urls.map { text -> VideoSubmission.PhotoSource in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw CompatRefusal.veo3(APIError(.invalidRequest, "Invalid source_image_urls"), fields: ["source_image_urls": "Enter a valid URL."])
            }
            return .url(url)
        }
        let job: JobRecord
        do {
            job = try await jobs.accept(VideoSubmission(fields: fields, photos: photos.isEmpty ? [:] : ["image": photos]),
                                        request: request, context: context, api: Self.api, priceRoute: "veo3-api")
        } catch {
            let core = APIError.normalising(error, logger: context.logger)
            throw core.error.code == .insufficientCredits ? CompatRefusal.veo3(core, videoModel: videoModel) : core
        }
        let imageToVideo = !photos.isEmpty
        let balance = try await jobs.balance(workspaceID: job.workspaceID)
        var data: [String: Any] = [
            "generation_id": job.id, "status": "processing", "generation_type": "video", "video_model": videoModel,
            "estimated_time": Self.estimatedTime(videoModel, imageToVideo: imageToVideo), "credits_used": job.quotedCredits,
            "credits_remaining": balance.map { max(0, $0 - job.quotedCredits) } ?? NSNull(),
            "mode": imageToVideo ? "image-to-video" : "text-to-video",
            "message": Self.message(videoModel, imageToVideo: imageToVideo),
        ]
        if imageToVideo { data["source_images_count"] = photos.count }
        return CompatJSON.response(["success": true, "data": data], status: .ok)
    }

    /// `GET /{id}/`: the generation's status (processing, completed with `video_url`, failed with `error`).
    @Sendable func show(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let job = try await jobs.job(id, workspaceID: try context.requireWorkspace()) else {
            throw APIError(.notFound, "Generation not found")
        }
        var answer: [String: Any] = [
            "success": true, "generation_id": job.id, "generation_type": "video",
            "video_model": Self.models.first { $0.value == job.model }?.key ?? job.model ?? "",
            "status": Self.status(job.status), "video_url": jobs.videoURL(job) ?? NSNull(), "credits_used": CompatJobs.credits(job),
            "mode": job.inputImageKeys.isEmpty ? "text-to-video" : "image-to-video", "aspect_ratio": job.aspectRatio,
            "prompt": job.prompt ?? NSNull(), "created_at": EventCoding.format(job.createdAt),
        ]
        if let failure = CompatJobs.failure(job) {
            answer["error"] = failure.error.message
            answer["code"] = failure.error.code.rawValue
        }
        return CompatJSON.response(answer, status: .ok)
    }

    static func status(_ status: JobRecord.Status) -> String {
        switch status {
        case .queued, .processing: "processing"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    static func estimatedTime(_ model: String, imageToVideo: Bool) -> String {
        model == "veo3_fast" ? "45-60 seconds" : imageToVideo ? "90-120 seconds" : "60-90 seconds"
    }

    static func message(_ model: String, imageToVideo: Bool) -> String {
        model == "veo3_fast" ? "Video generation started successfully"
            : imageToVideo ? "Premium image-to-video generation started successfully" : "Premium video generation started successfully"
    }

    /// The seed's error bodies: `{"success": false, "error", "details"}` for a bad field,
    /// `{"success": false, "error": "Insufficient credits. Need N, have M", "credits_needed", …}`
    /// when credits run short; `code` is the core's code.
    static func error(_ error: APIError) -> [String: Any] {
        ["success": false, "error": error.error.message, "code": error.error.code.rawValue]
    }
}

extension CompatRefusal {
    /// A bad field, in the Veo3 API's words: `{"success": false, "error", "details": {field: problem}}`.
    static func veo3(_ core: APIError, fields: [String: String]) -> CompatRefusal {
        CompatRefusal(core: core, body: ["success": false, "error": core.error.message, "details": fields, "code": core.error.code.rawValue])
    }

    /// Credits short, in the Veo3 API's words: "Insufficient credits. Need N, have M".
    static func veo3(_ core: APIError, videoModel: String) -> CompatRefusal {
        let needed = core.error.details["required"] ?? 0
        let balance = core.error.details["balance"] ?? 0
        return CompatRefusal(core: core, body: [
            "success": false, "error": "Insufficient credits. Need \(needed), have \(balance)", "credits_needed": needed,
            "credits_balance": balance, "video_model": videoModel, "generation_type": "video", "code": core.error.code.rawValue,
        ])
    }
}
