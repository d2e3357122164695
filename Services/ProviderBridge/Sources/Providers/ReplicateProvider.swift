import EventContracts
import Foundation
import OutboundHTTP

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

    /// The prediction object, as the API and the webhooks send it: the members the bridge acts on.
    struct Prediction: Equatable {
        var id: String
        var status: String
        /// The first non-empty output URL: video models answer one URL, some a list of them.
        var outputURL: String?
        var error: String?

        /// Reads `id`, `status`, `output` and `error` in place (`RawJSON`), as `JSONDecoder` would have
        /// decoded them: every webhook passes here, and decoding was a third of its handling outside
        /// the commit. An `output` of another shape (an object, a list with a non-string) is no URL;
        /// an `error` that is neither a string nor null makes the answer unreadable.
        static func parse(_ data: Data, what: String) throws(ProviderCallError) -> Prediction {
            do {
                return try read(RawJSON(Array(data)))
            } catch {
                throw .unavailable("\(what): unreadable answer (\(error)): \(String(decoding: data.prefix(300), as: UTF8.self))")
            }
        }

        private struct Malformed: Error, CustomStringConvertible {
            var description: String
        }

        private static func read(_ json: RawJSON) throws -> Prediction {
            let fields = try json.members(of: json.root, ["id", "status", "output", "error"])
            guard let id = fields[0], let status = fields[1] else { throw Malformed(description: "no id or status") }
            var outputURL: String?
            if let output = fields[2] {
                if json.isString(output) {
                    outputURL = try json.string(output)
                } else if json.bytes[output.lowerBound] == UInt8(ascii: "[") {
                    let items = try json.elements(of: output)
                    if items.allSatisfy(json.isString) { outputURL = try items.map { try json.string($0) }.first { !$0.isEmpty } }
                }
            }
            var error: String?
            if let field = fields[3], !json.isNull(field) {
                guard json.isString(field) else { throw Malformed(description: "error is neither a string nor null") }
                error = try json.string(field)
            }
            return Prediction(id: try json.string(id), status: try json.string(status),
                              outputURL: outputURL?.isEmpty == true ? nil : outputURL, error: error)
        }

        var progress: ProviderProgress {
            switch status {
            case "succeeded": .succeeded(outputURL: outputURL)
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
        let prediction = try Prediction.parse(data, what: "replicate create")
        // A prediction that already failed (bad input caught at once) still gets its webhook; the
        // id is what matters here.
        return prediction.id
    }

    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        let data = try await api.call("GET", "/v1/predictions/\(predictionID)")
        return try Prediction.parse(data, what: "replicate get").progress
    }

    func cancel(_ predictionID: String) async {
        _ = try? await api.call("POST", "/v1/predictions/\(predictionID)/cancel")
    }

    func parseCallback(_ body: Data) throws(ProviderCallError) -> (predictionID: String, progress: ProviderProgress) {
        let prediction = try Prediction.parse(body, what: "replicate webhook")
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
