import EventRuntime
import Foundation
import GRDB
import Logging
import Metrics
import OutboundHTTP
import ServiceLifecycle
import Signing

/// Delivers client webhooks: every pending message whose time has come is POSTed to its URL, signed
/// with the workspace's secret the Standard Webhooks way, without following redirects and under the
/// SSRF rules (`OutboundFetcher`). Each attempt is recorded; a failure is retried on
/// `WebhookRetrySchedule` until it runs out, and a URL that may not be called is given up at once.
struct WebhookDispatcher: Service {
    let database: ServiceDatabase
    let sender: OutboundFetcher
    let schedule: WebhookRetrySchedule
    let logger: Logger
    /// The longest sleep when nothing wakes the dispatcher (it wakes for new messages and at the next
    /// attempt's time; this bounds how late a time changed behind its back is seen).
    var longestSleep: Duration = .seconds(30)
    /// At most this many deliveries run at once.
    var concurrency = 16

    /// Sleeps until there is work: a new message (an insert) or the next pending attempt's time.
    func run() async throws {
        try await database.withWakeups(on: .insertsInto(WebhookDeliveryRecord.databaseTableName)) { wakeups in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let due: [WebhookDeliveryRecord]
                var nextAttempt: Date?
                do {
                    (due, nextAttempt) = try await database.pool.read { [concurrency] db in
                        let pending = WebhookDeliveryRecord.filter(Column("state") == WebhookDeliveryRecord.State.pending.rawValue)
                        let due = try pending.filter(Column("next_attempt_at") <= Date())
                            .order(Column("next_attempt_at")).limit(concurrency).fetchAll(db)
                        let next = due.isEmpty ? try pending.select(min(Column("next_attempt_at")), as: Date.self).fetchOne(db) : nil
                        return (due, next)
                    }
                } catch {
                    logger.error("Could not read due webhooks", metadata: ["error": "\(error)"])
                    due = []
                }
                if due.isEmpty {
                    let latest = ContinuousClock.now + longestSleep
                    await wakeups.next(orAt: nextAttempt.map { min(latest, ContinuousClock.now + .seconds($0.timeIntervalSinceNow)) } ?? latest)
                    continue
                }
                await withTaskGroup(of: Void.self) { group in
                    for delivery in due {
                        group.addTask { await deliver(delivery) }
                    }
                }
            }
        }
    }

    /// One attempt, recorded with its outcome and the delivery's next state in one transaction.
    func deliver(_ delivery: WebhookDeliveryRecord) async {
        let started = ContinuousClock.now
        let attemptedAt = Date()
        let outcome: Result<Int, OutboundFetchError>
        do {
            let secret = try await database.pool.write { db in try WebhookSecretRecord.secret(for: delivery.workspaceID, in: db) }
            guard let url = URL(string: delivery.url), let signer = StandardWebhookSignature(secret: secret) else {
                throw OutboundFetchError.unsupportedScheme(delivery.url)
            }
            let timestamp = Int64(attemptedAt.timeIntervalSince1970)
            let body = [UInt8](delivery.payload)
            let (answer, _) = try await sender.post(url, body: body, headers: [
                ("Content-Type", "application/json"),
                ("webhook-id", delivery.id),
                ("webhook-timestamp", String(timestamp)),
                ("webhook-signature", signer.signature(id: delivery.id, timestamp: timestamp, body: body)),
            ])
            outcome = .success(answer.status)
        } catch let error as OutboundFetchError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(.transport("\(error)"))
        }
        let elapsed = ContinuousClock.now - started
        let attempt = delivery.attempts + 1
        var updated = delivery
        updated.attempts = attempt
        var record = WebhookAttemptRecord(deliveryID: delivery.id, number: attempt, attemptedAt: attemptedAt, statusCode: nil, error: nil,
                                          durationMilliseconds: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        switch outcome {
        case .success(let status):
            record.statusCode = status
            updated.state = .delivered
            updated.finishedAt = Date()
            updated.lastError = nil
        case .failure(let error):
            if case .httpStatus(let status) = error { record.statusCode = status }
            record.error = "\(error)"
            updated.lastError = "\(error)"
            if let delay = Self.isPermanent(error) ? nil : schedule.delay(afterAttempt: attempt) {
                updated.nextAttemptAt = Date().addingTimeInterval(delay)
            } else {
                updated.state = .failed
                updated.finishedAt = Date()
            }
        }
        do {
            try await database.pool.write { [updated, record] db in
                try record.insert(db)
                try updated.update(db)
            }
        } catch {
            logger.error("Could not record a webhook attempt", metadata: ["webhook_id": "\(delivery.id)", "error": "\(error)"])
        }
        Counter(label: "roomreel_webhook_attempts_total", dimensions: [("result", updated.state == .pending ? "retry" : updated.state.rawValue)]).increment()
        logger.log(level: updated.state == .delivered ? .info : .notice, "Webhook attempt", metadata: [
            "webhook_id": "\(delivery.id)", "job_id": "\(delivery.jobID)", "attempt": "\(attempt)", "state": "\(updated.state.rawValue)",
            "status": "\(record.statusCode.map(String.init) ?? "-")", "error": "\(record.error ?? "-")"])
    }

    /// Failures that no retry can fix: the URL is not one RoomReel may call.
    static func isPermanent(_ error: OutboundFetchError) -> Bool {
        switch error {
        case .refusedAddress, .unsupportedScheme: true
        default: false
        }
    }
}
