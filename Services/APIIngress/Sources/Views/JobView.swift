import EventContracts
import Foundation
import ObjectStorage

/// A job as clients see it in `GET /v1/videos/{id}` and in the 202 of `POST /v1/videos`.
struct JobView: Encodable {
    struct Links: Encodable {
        let `self`: String
    }

    let id: String
    let workspaceID: String
    let status: String
    let stage: String
    let model: String?
    let credits: Int64
    let creditsDebited: Int64?
    let provider: String?
    let providerPredictionID: String?
    /// The length delivered: asked for, or the model's default.
    let durationSeconds: Double
    /// The length the model generates (and the job is charged at); the video is trimmed to `durationSeconds`.
    let generatedSeconds: Double?
    /// The model the request named or its video type defaults to.
    let requestedModel: String?
    /// Why `model` is not `requestedModel`.
    let routingReason: String?
    let aspectRatio: String
    let videoURL: String?
    let videoBytes: Int64?
    /// The stored video as ffprobe read it.
    let videoWidth: Int?
    let videoHeight: Int?
    let videoDurationSeconds: Double?
    let posterURL: String?
    /// How far the job is, 0–100 (`JobMilestone`).
    let progress: Int
    /// Why the job failed, in the shape of every error answer.
    let error: ErrorBody.Detail?
    let estimatedSeconds: Int?
    let createdAt: Date
    let updatedAt: Date
    let links: Links

    enum CodingKeys: String, CodingKey {
        case id, status, stage, model, credits, provider, error, links, progress
        case workspaceID = "workspace_id"
        case creditsDebited = "credits_debited"
        case providerPredictionID = "provider_prediction_id"
        case durationSeconds = "duration_seconds"
        case generatedSeconds = "generated_seconds"
        case requestedModel = "requested_model"
        case routingReason = "routing_reason"
        case aspectRatio = "aspect_ratio"
        case videoURL = "video_url"
        case videoBytes = "video_bytes"
        case videoWidth = "video_width"
        case videoHeight = "video_height"
        case videoDurationSeconds = "video_duration_seconds"
        case posterURL = "poster_url"
        case estimatedSeconds = "estimated_seconds"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The same bytes `JSONResponse.encode(self)` writes (sorted keys, nil fields left out), written
    /// member by member: this is the body of every status poll, where the generic encoder cost as
    /// much as the rest of the request.
    var json: [UInt8] {
        var object = JSONObjectWriter(capacity: 512)
        object.string("aspect_ratio", aspectRatio)
        object.string("created_at", EventCoding.format(createdAt))
        object.integer("credits", credits)
        if let creditsDebited { object.integer("credits_debited", creditsDebited) }
        object.number("duration_seconds", durationSeconds)
        if let error {
            var failure = JSONObjectWriter(capacity: 128 + error.message.utf8.count)
            failure.string("code", error.code)
            var details = JSONObjectWriter(capacity: 64)
            for (key, value) in error.details.sorted(by: { $0.key < $1.key }) { details.integer(key, value) }
            failure.raw("details", details.finish())
            failure.string("message", error.message)
            object.raw("error", failure.finish())
        }
        if let estimatedSeconds { object.integer("estimated_seconds", Int64(estimatedSeconds)) }
        if let generatedSeconds { object.number("generated_seconds", generatedSeconds) }
        object.string("id", id)
        var links = JSONObjectWriter(capacity: 96)
        links.string("self", self.links.`self`)
        object.raw("links", links.finish())
        if let model { object.string("model", model) }
        if let posterURL { object.string("poster_url", posterURL) }
        object.integer("progress", Int64(progress))
        if let provider { object.string("provider", provider) }
        if let providerPredictionID { object.string("provider_prediction_id", providerPredictionID) }
        if let requestedModel { object.string("requested_model", requestedModel) }
        if let routingReason { object.string("routing_reason", routingReason) }
        object.string("stage", stage)
        object.string("status", status)
        object.string("updated_at", EventCoding.format(updatedAt))
        if let videoBytes { object.integer("video_bytes", videoBytes) }
        if let videoDurationSeconds { object.number("video_duration_seconds", videoDurationSeconds) }
        if let videoHeight { object.integer("video_height", Int64(videoHeight)) }
        if let videoURL { object.string("video_url", videoURL) }
        if let videoWidth { object.integer("video_width", Int64(videoWidth)) }
        object.string("workspace_id", workspaceID)
        return object.finish()
    }

    init(_ job: JobRecord, publicBaseURL: String, videoLinks: VideoLinks, estimatedSeconds: Int? = nil) {
        id = job.id
        workspaceID = job.workspaceID
        status = job.status.rawValue
        stage = job.stage.rawValue
        model = job.model
        credits = job.quotedCredits
        creditsDebited = job.creditsDebited
        provider = job.provider
        providerPredictionID = job.predictionID
        durationSeconds = job.durationSeconds
        generatedSeconds = job.generatedSeconds
        requestedModel = job.requestedModel
        routingReason = job.routingReason
        aspectRatio = job.aspectRatio
        videoWidth = job.videoWidth
        videoHeight = job.videoHeight
        videoDurationSeconds = job.videoDurationSeconds
        videoURL = job.videoKey.map { videoLinks.url(for: $0, localBaseURL: publicBaseURL) }
        videoBytes = job.videoBytes
        posterURL = job.posterKey.map { videoLinks.url(for: $0, localBaseURL: publicBaseURL) }
        progress = JobMilestone.progress(of: job)
        error = job.errorCode.map { code in
            let details = job.errorDetails.flatMap { try? JSONDecoder().decode([String: Int64].self, from: Data($0.utf8)) }
            return ErrorBody.Detail(code: code, message: job.errorMessage ?? "", details: details ?? [:])
        }
        self.estimatedSeconds = estimatedSeconds
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        links = Links(self: "\(publicBaseURL)/v1/videos/\(job.id)")
    }
}
