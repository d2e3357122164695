import Foundation

/// The body of a client webhook: what happened, when, and the job as `GET /v1/videos/{id}` shows it.
struct WebhookMessage: Encodable {
    /// `video.completed` or `video.failed`.
    let type: String
    let timestamp: Date
    let data: JobView

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
