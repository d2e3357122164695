import EventContracts
import Foundation

/// The body of a client webhook: what happened, when, and the job as `GET /v1/videos/{id}` shows it.
struct WebhookMessage: Encodable {
    /// `video.completed` or `video.failed`.
    let type: String
    let timestamp: Date
    let data: JobView

    /// The API's own encoding, so `data` is byte for byte what `GET /v1/videos/{id}` would show.
    static var encoder: JSONEncoder { EventCoding.encoder }
}
