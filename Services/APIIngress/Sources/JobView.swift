import Foundation
import Shared

/// A job as clients see it in `GET /v1/videos/{id}` and in the 202 of `POST /v1/videos`.
struct JobView: Encodable {
    struct Failure: Encodable {
        let code: String
        let message: String
        /// Machine-readable context, e.g. `required` and `balance` for `INSUFFICIENT_CREDITS`.
        let details: [String: Int64]
    }
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
    let durationSeconds: Double
    let aspectRatio: String
    let videoURL: String?
    let videoBytes: Int64?
    let posterURL: String?
    let error: Failure?
    let estimatedSeconds: Int?
    let createdAt: Date
    let updatedAt: Date
    let links: Links

    enum CodingKeys: String, CodingKey {
        case id, status, stage, model, credits, provider, error, links
        case workspaceID = "workspace_id"
        case creditsDebited = "credits_debited"
        case providerPredictionID = "provider_prediction_id"
        case durationSeconds = "duration_seconds"
        case aspectRatio = "aspect_ratio"
        case videoURL = "video_url"
        case videoBytes = "video_bytes"
        case posterURL = "poster_url"
        case estimatedSeconds = "estimated_seconds"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
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
        aspectRatio = job.aspectRatio
        videoURL = job.videoKey.map { videoLinks.url(for: $0, localBaseURL: publicBaseURL) }
        videoBytes = job.videoBytes
        posterURL = job.posterKey.map { videoLinks.url(for: $0, localBaseURL: publicBaseURL) }
        error = job.errorCode.map { code in
            let details = job.errorDetails.flatMap { try? JSONDecoder().decode([String: Int64].self, from: Data($0.utf8)) }
            return Failure(code: code, message: job.errorMessage ?? "", details: details ?? [:])
        }
        self.estimatedSeconds = estimatedSeconds
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        links = Links(self: "\(publicBaseURL)/v1/videos/\(job.id)")
    }
}
