import Foundation
import Shared

/// Replicate's HTTP API (replicate.com/docs/reference/http): official models are run with
/// `POST /v1/models/{owner}/{name}/predictions` and a bearer token; completion comes by a webhook
/// signed the Standard Webhooks way (`webhook_events_filter: ["completed"]`); `GET
/// /v1/predictions/{id}` reads one; `POST /v1/predictions/{id}/cancel` stops one. Statuses: starting,
/// processing, succeeded, failed, canceled.
struct ReplicateProvider: VideoProvider {
    let api: ProviderAPI
    var name: String { "replicate" }
    var completion: CompletionChannel { .signedWebhook }

    init(baseURL: URL, token: String, client: ServiceHTTPClient = ServiceHTTPClient()) {
        api = ProviderAPI(baseURL: baseURL, client: client) { [("Authorization", "Bearer \(token)")] }
    }

    /// The prediction object, as the API and the webhooks send it.
    struct Prediction: Decodable {
        var id: String
        var status: String
        var output: Output?
        var error: String?

        /// Video models answer one URL; some answer a list of them.
        enum Output: Decodable {
            case url(String)
            case urls([String])
            case other

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let url = try? container.decode(String.self) {
                    self = .url(url)
                } else if let urls = try? container.decode([String].self) {
                    self = .urls(urls)
                } else {
                    self = .other
                }
            }

            var firstURL: String? {
                switch self {
                case .url(let url): url.isEmpty ? nil : url
                case .urls(let urls): urls.first { !$0.isEmpty }
                case .other: nil
                }
            }
        }

        var progress: ProviderProgress {
            switch status {
            case "succeeded": .succeeded(outputURL: output?.firstURL)
            case "failed": .failed(ModerationText.jobError(provider: "replicate", message: error ?? "the prediction failed"))
            case "canceled": .failed(RoomReelError(.generationFailed, "replicate: the prediction was canceled"))
            default: .running(status: status)
            }
        }
    }

    /// The model's inputs: Replicate's video models name their fields differently (Kling takes
    /// `start_image`/`end_image`, Wan and Veo take `image`; Wan's length and shape are fixed by the model).
    static func input(for job: ProviderJob) -> [String: Any] {
        var input: [String: Any] = ["prompt": job.prompt]
        let owner = job.providerModelID.split(separator: "/").first.map(String.init) ?? ""
        let isKling = owner == "kwaivgi"
        let isWan = job.providerModelID.contains("wan-")
        if let first = job.images.first {
            input[isKling ? "start_image" : "image"] = first.dataURI
        }
        if job.images.count > 1, isKling {
            input["end_image"] = job.images[1].dataURI
        }
        if !isWan {
            input["duration"] = Int(job.durationSeconds.rounded())
            input["aspect_ratio"] = job.aspectRatio.rawValue
        }
        return input
    }

    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String {
        var body: [String: Any] = ["input": Self.input(for: job)]
        if let callback = job.callbackURL {
            body["webhook"] = callback.absoluteString
            body["webhook_events_filter"] = ["completed"]
        }
        let data = try await api.call("POST", "/v1/models/\(job.providerModelID)/predictions", json: body)
        let prediction = try ProviderAPI.decode(Prediction.self, data, what: "replicate create")
        // A prediction that already failed (bad input caught at once) still gets its webhook; the
        // id is what matters here.
        return prediction.id
    }

    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        let data = try await api.call("GET", "/v1/predictions/\(predictionID)")
        return try ProviderAPI.decode(Prediction.self, data, what: "replicate get").progress
    }

    func cancel(_ predictionID: String) async {
        _ = try? await api.call("POST", "/v1/predictions/\(predictionID)/cancel")
    }

    func parseCallback(_ body: Data) throws(ProviderCallError) -> (predictionID: String, progress: ProviderProgress) {
        let prediction = try ProviderAPI.decode(Prediction.self, body, what: "replicate webhook")
        return (prediction.id, prediction.progress)
    }

    /// The account's webhook signing secret (`GET /v1/webhooks/default/secret` → `{"key": "whsec_…"}`),
    /// for when the operator did not configure one.
    func defaultWebhookSecret() async throws(ProviderCallError) -> String {
        struct Secret: Decodable { var key: String }
        let data = try await api.call("GET", "/v1/webhooks/default/secret")
        return try ProviderAPI.decode(Secret.self, data, what: "replicate webhook secret").key
    }
}
