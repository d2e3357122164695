import EventContracts
import Foundation
import OutboundHTTP

/// Google's Gemini API for Veo (ai.google.dev, "Generate videos with Veo"): `POST
/// /v1beta/models/{model}:predictLongRunning` with `x-goog-api-key`, the photo inline as base64;
/// the answer names a long-running operation, polled with `GET /v1beta/{operation}` until `done`.
/// A done operation carries `response.generateVideoResponse.generatedSamples[].video.uri` or an
/// `error`; done with no sample means the safety filter removed the video (`raiMediaFilteredReasons`),
/// which is a `CONTENT_REJECTED` failure. The video URI needs the API key to download, so the bridge
/// fetches it itself.
struct VeoProvider: VideoProvider {
    let api: ProviderAPI
    let apiKey: String
    var name: String { "google" }
    var completion: CompletionChannel { .polling }

    init(baseURL: URL, apiKey: String, client: ServiceHTTPClient = ServiceHTTPClient()) {
        self.apiKey = apiKey
        api = ProviderAPI(baseURL: baseURL, client: client) { [("x-goog-api-key", apiKey)] }
    }

    var outputDownloadHeaders: [(name: String, value: String)]? { [("x-goog-api-key", apiKey)] }

    struct Operation: Decodable {
        var name: String
        var done: Bool?
        var error: Status?
        var response: Response?

        struct Status: Decodable {
            var code: Int?
            var message: String?
        }

        struct Response: Decodable {
            var generateVideoResponse: VideoResponse?
        }

        struct VideoResponse: Decodable {
            var generatedSamples: [Sample]?
            var raiMediaFilteredCount: Int?
            var raiMediaFilteredReasons: [String]?
        }

        struct Sample: Decodable {
            var video: Video?
        }

        struct Video: Decodable {
            var uri: String?
        }

        var progress: ProviderProgress {
            guard done == true else { return .running(status: "running") }
            if let error {
                return .failed(ModerationText.jobError(provider: "veo", message: "\(error.code.map { "\($0) " } ?? "")\(error.message ?? "the operation failed")"))
            }
            let videoResponse = response?.generateVideoResponse
            if let uri = videoResponse?.generatedSamples?.compactMap({ $0.video?.uri }).first(where: { !$0.isEmpty }) {
                return .succeeded(outputURL: uri)
            }
            // Done and no video: Veo's safety filters removed it.
            let reasons = videoResponse?.raiMediaFilteredReasons?.joined(separator: "; ") ?? "no reason given"
            return .failed(RoomReelError(.contentRejected, "veo: done with no video (filtered by the safety filter: \(reasons))"))
        }
    }

    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String {
        var instance: [String: Any] = ["prompt": job.prompt]
        if let image = job.images.first {
            instance["image"] = ["bytesBase64Encoded": image.data.base64EncodedString(), "mimeType": image.mimeType]
        }
        if job.images.count > 1 {
            instance["lastFrame"] = ["bytesBase64Encoded": job.images[1].data.base64EncodedString(), "mimeType": job.images[1].mimeType]
        }
        let body: [String: Any] = [
            "instances": [instance],
            "parameters": ["aspectRatio": job.aspectRatio.rawValue, "durationSeconds": Int(job.durationSeconds.rounded())],
        ]
        let data = try await api.call("POST", "/v1beta/models/\(job.providerModelID):predictLongRunning", json: body)
        return try ProviderAPI.decode(Operation.self, data, what: "veo predictLongRunning").name
    }

    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        let data = try await api.call("GET", "/v1beta/\(predictionID)")
        return try ProviderAPI.decode(Operation.self, data, what: "veo operation").progress
    }

    /// The Gemini API documents no cancel for Veo operations.
    func cancel(_ predictionID: String) async {}
}
