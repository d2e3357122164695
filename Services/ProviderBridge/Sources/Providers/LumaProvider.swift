import Foundation
import OutboundHTTP

/// Luma's Dream Machine API (docs.lumalabs.ai): `POST /dream-machine/v1/generations` with a bearer
/// key, `keyframes` for the photos (URLs Luma fetches: the bridge's own, `InputFiles`) and
/// `callback_url`; `GET /dream-machine/v1/generations/{id}`.
/// Generation states: queued, dreaming, completed, failed. Callbacks post the generation unsigned, so
/// the bridge confirms with one GET before trusting one.
struct LumaProvider: VideoProvider {
    let api: ProviderAPI
    var name: String { "luma" }
    var completion: CompletionChannel { .tokenCallback }

    init(baseURL: URL, apiKey: String, client: ServiceHTTPClient = ServiceHTTPClient()) {
        api = ProviderAPI(baseURL: baseURL, client: client) { [("Authorization", "Bearer \(apiKey)")] }
    }

    struct Generation: Decodable {
        var id: String
        var state: String
        var failureReason: String?
        var assets: Assets?

        struct Assets: Decodable {
            var video: String?
        }

        enum CodingKeys: String, CodingKey {
            case id, state, assets
            case failureReason = "failure_reason"
        }

        var progress: ProviderProgress {
            switch state {
            case "completed": .succeeded(outputURL: assets?.video.flatMap { $0.isEmpty ? nil : $0 })
            case "failed": .failed(ModerationText.jobError(provider: "luma", message: failureReason ?? "the generation failed"))
            default: .running(status: state)
            }
        }
    }

    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String {
        var body: [String: Any] = [
            "prompt": job.prompt, "model": job.providerModelID, "aspect_ratio": job.aspectRatio.rawValue,
            "duration": "\(Int(job.durationSeconds.rounded()))s", "resolution": "720p",
        ]
        var keyframes: [String: Any] = [:]
        if let first = job.images.first { keyframes["frame0"] = ["type": "image", "url": first.url.absoluteString] }
        if job.images.count > 1 { keyframes["frame1"] = ["type": "image", "url": job.images[1].url.absoluteString] }
        if !keyframes.isEmpty { body["keyframes"] = keyframes }
        if let callback = job.callbackURL { body["callback_url"] = callback.absoluteString }
        let data = try await api.call("POST", "/dream-machine/v1/generations", json: body)
        return try ProviderAPI.decode(Generation.self, data, what: "luma create").id
    }

    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        let data = try await api.call("GET", "/dream-machine/v1/generations/\(predictionID)")
        return try ProviderAPI.decode(Generation.self, data, what: "luma get").progress
    }

    /// Luma documents no cancel; deleting the generation is the nearest thing.
    func cancel(_ predictionID: String) async {
        _ = try? await api.call("DELETE", "/dream-machine/v1/generations/\(predictionID)")
    }

    func parseCallback(_ body: Data) throws(ProviderCallError) -> (predictionID: String, progress: ProviderProgress) {
        let generation = try ProviderAPI.decode(Generation.self, body, what: "luma callback")
        return (generation.id, generation.progress)
    }
}
