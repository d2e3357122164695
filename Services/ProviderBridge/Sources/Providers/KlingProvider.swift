import EventContracts
import Foundation
import OutboundHTTP
import Signing

/// Kling's native API (klingai.com, "API reference"): a bearer JWT signed HS256 with the secret key
/// (`iss` = access key, `exp` 30 minutes on, `nbf` 5 seconds back), `POST /v1/videos/image2video` or
/// `/v1/videos/text2video` with `callback_url` and `external_task_id`, `GET
/// /v1/videos/{kind}/{task_id}` to read a task. Answers are `{code, message, data}` where code 0 is
/// success. Task statuses: submitted, processing, succeed, failed. Callbacks are unsigned: the bridge
/// trusts them only after one GET of the task.
struct KlingProvider: VideoProvider {
    let api: ProviderAPI
    var name: String { "kling" }
    var completion: CompletionChannel { .tokenCallback }

    init(baseURL: URL, accessKey: String, secretKey: String, client: ServiceHTTPClient = ServiceHTTPClient()) {
        let tokens = HS256Tokens(secret: secretKey)
        api = ProviderAPI(baseURL: baseURL, client: client) { () async throws(ProviderCallError) -> [(name: String, value: String)] in
            do {
                let token = try await tokens.sign(KlingClaims(accessKey: accessKey))
                return [("Authorization", "Bearer \(token)")]
            } catch {
                throw .authFailed("could not sign a Kling token: \(error)")
            }
        }
    }

    /// A task, as the create and query answers and the callbacks carry it.
    struct Task: Decodable {
        var taskID: String
        var taskStatus: String
        var taskStatusMessage: String?
        var taskResult: Result?

        struct Result: Decodable {
            var videos: [Video]?
        }

        struct Video: Decodable {
            var id: String?
            var url: String?
        }

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id"
            case taskStatus = "task_status"
            case taskStatusMessage = "task_status_msg"
            case taskResult = "task_result"
        }

        var progress: ProviderProgress {
            switch taskStatus {
            case "succeed": .succeeded(outputURL: taskResult?.videos?.first?.url.flatMap { $0.isEmpty ? nil : $0 })
            case "failed": .failed(ModerationText.jobError(provider: "kling", message: taskStatusMessage ?? "the task failed"))
            default: .running(status: taskStatus)
            }
        }
    }

    /// `{code, message, data}`, Kling's envelope.
    struct Envelope: Decodable {
        var code: Int
        var message: String?
        var data: Task?
    }

    /// Kling's error codes (in the envelope, with a matching HTTP status): 1000–1004 authentication,
    /// 1100–1103 account (arrears, no resource pack), 1301 content security, 1302–1304 rate and
    /// concurrency limits, 5000–5002 server faults.
    static func error(code: Int, message: String, retryAfter: Double?) -> ProviderCallError {
        switch code {
        case 1000...1004: .authFailed("kling code \(code): \(message)")
        case 1100...1199: .authFailed("kling account problem, code \(code): \(message)")
        case 1301: .rejected(RoomReelError(.contentRejected, "kling: \(message)"))
        case 1302...1304: .rateLimited(retryAfter: retryAfter, message: "kling code \(code): \(message)")
        case 5000...5999: .unavailable("kling code \(code): \(message)")
        default: .rejected(ModerationText.jobError(provider: "kling", message: "code \(code): \(message)"))
        }
    }

    private static func rejection(_ answer: HTTPAnswer) -> ProviderCallError? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: answer.body), envelope.code != 0 else { return nil }
        return error(code: envelope.code, message: envelope.message ?? "", retryAfter: answer.retryAfterSeconds)
    }

    private func task(_ data: Data, what: String) throws(ProviderCallError) -> Task {
        let envelope = try ProviderAPI.decode(Envelope.self, data, what: what)
        guard envelope.code == 0 else { throw Self.error(code: envelope.code, message: envelope.message ?? "", retryAfter: nil) }
        guard let task = envelope.data else { throw .unavailable("\(what): no task in the answer") }
        return task
    }

    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String {
        let kind = job.images.isEmpty ? "text2video" : "image2video"
        var body: [String: Any] = [
            "model_name": job.providerModelID, "prompt": job.prompt, "mode": "std",
            "duration": String(Int(job.durationSeconds.rounded())),
            // The job id as Kling's own task id: a create repeated after a timeout is refused as a
            // duplicate rather than run twice.
            "external_task_id": job.jobID,
        ]
        if let first = job.images.first {
            body["image"] = first.data.base64EncodedString()
            if job.images.count > 1 { body["image_tail"] = job.images[1].data.base64EncodedString() }
        } else {
            body["aspect_ratio"] = job.aspectRatio.rawValue
        }
        if let callback = job.callbackURL { body["callback_url"] = callback.absoluteString }
        let data = try await api.call("POST", "/v1/videos/\(kind)", json: body, rejection: Self.rejection)
        return "\(kind)/\(try task(data, what: "kling create").taskID)"
    }

    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        let data = try await api.call("GET", "/v1/videos/\(predictionID)", rejection: Self.rejection)
        return try task(data, what: "kling query").progress
    }

    /// Kling has no cancel call: a task past its limit is simply no longer waited for.
    func cancel(_ predictionID: String) async {}

    func parseCallback(_ body: Data) throws(ProviderCallError) -> (predictionID: String, progress: ProviderProgress) {
        // Callbacks carry the bare task (no envelope).
        let task = try ProviderAPI.decode(Task.self, body, what: "kling callback")
        return (task.taskID, task.progress)
    }
}
