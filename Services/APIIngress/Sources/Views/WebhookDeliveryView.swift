import Foundation

/// A webhook message and its attempts, as `GET /v1/videos/{id}/webhook-deliveries` shows them.
struct WebhookDeliveryView: Encodable {
    struct Attempt: Encodable {
        let number: Int
        let attemptedAt: Date
        let statusCode: Int?
        let error: String?
        let durationMilliseconds: Int64

        enum CodingKeys: String, CodingKey {
            case number, error
            case attemptedAt = "attempted_at"
            case statusCode = "status_code"
            case durationMilliseconds = "duration_ms"
        }
    }

    let id: String
    let url: String
    let eventType: String
    let state: String
    let attemptCount: Int
    let nextAttemptAt: Date?
    let createdAt: Date
    let finishedAt: Date?
    let lastError: String?
    let attempts: [Attempt]

    enum CodingKeys: String, CodingKey {
        case id, url, state, attempts
        case eventType = "event_type"
        case attemptCount = "attempt_count"
        case nextAttemptAt = "next_attempt_at"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case lastError = "last_error"
    }

    init(_ delivery: WebhookDeliveryRecord, attempts: [WebhookAttemptRecord]) {
        id = delivery.id
        url = delivery.url
        eventType = delivery.eventType
        state = delivery.state.rawValue
        attemptCount = delivery.attempts
        nextAttemptAt = delivery.state == .pending ? delivery.nextAttemptAt : nil
        createdAt = delivery.createdAt
        finishedAt = delivery.finishedAt
        lastError = delivery.lastError
        self.attempts = attempts.map {
            Attempt(number: $0.number, attemptedAt: $0.attemptedAt, statusCode: $0.statusCode, error: $0.error,
                    durationMilliseconds: $0.durationMilliseconds)
        }
    }
}
