import EventContracts
import Foundation
import OutboundHTTP

/// Runway's API (docs.dev.runwayml.com): `POST /v1/image_to_video` with a bearer secret and
/// `X-Runway-Version`, answering `{id}`; `GET /v1/tasks/{id}` reads the task (PENDING, THROTTLED,
/// RUNNING, SUCCEEDED with `output` URLs, FAILED with `failure` and `failureCode`, CANCELLED);
/// `DELETE /v1/tasks/{id}` cancels. There are no webhooks: the bridge polls.
struct RunwayProvider: VideoProvider {
    static let apiVersion = "2024-11-06"
    let api: ProviderAPI
    var name: String { "runway" }
    var completion: CompletionChannel { .polling }

    init(baseURL: URL, secret: String, client: ServiceHTTPClient = ServiceHTTPClient()) {
        api = ProviderAPI(baseURL: baseURL, client: client) {
            [("Authorization", "Bearer \(secret)"), ("X-Runway-Version", Self.apiVersion)]
        }
    }

    struct Task: Decodable {
        var id: String
        var status: String
        var output: [String]?
        var failure: String?
        var failureCode: String?
        /// How far a RUNNING task is, 0–1.
        var fraction: Double?

        enum CodingKeys: String, CodingKey {
            case id, status, output, failure, failureCode
            case fraction = "progress"
        }

        var progress: ProviderProgress {
            switch status {
            case "SUCCEEDED": return .succeeded(outputURL: output?.first { !$0.isEmpty })
            case "FAILED":
                let message = "runway: \(failure ?? "the task failed")" + (failureCode.map { " (\($0))" } ?? "")
                // Runway's failure codes start with SAFETY for moderation refusals.
                let moderated = failureCode?.hasPrefix("SAFETY") == true || ModerationText.matches(failure ?? "")
                return .failed(RoomReelError(moderated ? .contentRejected : .generationFailed, message))
            case "CANCELLED": return .failed(RoomReelError(.generationFailed, "runway: the task was cancelled"))
            default: return .running(status: status, percent: fraction.map { Int(($0 * 100).rounded(.down)) })
            }
        }
    }

    /// Runway's output sizes for each of RoomReel's ratios (gen4 takes these `ratio` values).
    static func ratio(_ aspectRatio: AspectRatio) -> String {
        switch aspectRatio {
        case .landscape: "1280:720"
        case .portrait: "720:1280"
        case .square: "960:960"
        }
    }

    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String {
        guard let image = job.images.first else {
            throw .rejected(RoomReelError(.modelCannotDo, "runway's image_to_video needs a photo"))
        }
        let body: [String: Any] = [
            "model": job.providerModelID, "promptImage": image.dataURI, "promptText": job.prompt,
            "ratio": Self.ratio(job.aspectRatio), "duration": Int(job.durationSeconds.rounded()),
        ]
        struct Created: Decodable { var id: String }
        let data = try await api.call("POST", "/v1/image_to_video", json: body)
        return try ProviderAPI.decode(Created.self, data, what: "runway create").id
    }

    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        let data = try await api.call("GET", "/v1/tasks/\(predictionID)")
        return try ProviderAPI.decode(Task.self, data, what: "runway task").progress
    }

    func cancel(_ predictionID: String) async {
        _ = try? await api.call("DELETE", "/v1/tasks/\(predictionID)")
    }
}
