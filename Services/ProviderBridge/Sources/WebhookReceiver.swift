import EventRuntime
import Foundation
import GRDB
import Logging
import Metrics
import Signing

/// What the bridge does with a provider's call, independent of HTTP: verify, dedupe, record. Each
/// answer says what the provider should be told.
struct WebhookReceiver: Sendable {
    /// The most bytes a webhook body may have (a prediction object is a few KB).
    static let maximumBodyBytes = 256 << 10

    let database: ServiceDatabase
    let providers: [String: any VideoProvider]
    let replicateSignature: ReplicateSigningKey?
    let callbacks: CallbackURLs
    let recorder: GenerationRecorder
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// The answer for the provider: an HTTP status, a stable code and a message.
    struct Answer: Equatable, Sendable {
        var status: Int
        var code: String
        var message: String

        static func ok(_ code: String, _ message: String) -> Answer { Answer(status: 200, code: code, message: message) }
    }

    /// The checks of a call, which read and write nothing.
    var checks: WebhookChecks {
        WebhookChecks(providers: providers, replicateSignature: replicateSignature, callbacks: callbacks, logger: logger)
    }

    /// `POST /webhooks/replicate?job=…`: Standard Webhooks verification on the raw body first
    /// (nothing is read or written before it passes), then dedupe by `webhook-id`, then the prediction
    /// it reports is recorded, with the receipt, in one transaction.
    func receiveReplicate(webhookID: String?, timestamp: String?, signature: String?, body: Data, jobHint: String?) async -> Answer {
        let receivedAt = now()
        if let refused = await checks.verifyReplicate(webhookID: webhookID, timestamp: timestamp, signature: signature, body: body, receivedAt: receivedAt) {
            return refused
        }
        guard let provider = providers["replicate"] else { return Answer(status: 404, code: "NOT_CONFIGURED", message: "replicate is not configured here") }
        guard let webhookID else { return Answer(status: 401, code: "WEBHOOK_SIGNATURE_INVALID", message: "no webhook-id") }
        let parsed: (predictionID: String, progress: ProviderProgress)
        do {
            parsed = try provider.parseCallback(body)
        } catch {
            return count("replicate", Answer(status: 400, code: "WEBHOOK_BODY_INVALID", message: "the body is not a prediction: \(error)"))
        }
        let receipt = WebhookReceiptRecord(webhookID: webhookID, provider: "replicate", predictionID: parsed.predictionID, receivedAt: receivedAt)
        do {
            let recorded = try await recorder.recordWebhook(parsed.progress, predictionID: parsed.predictionID, receipt: receipt,
                                                            provider: provider) { db in
                try Self.job(forPrediction: parsed.predictionID, provider: "replicate", hint: jobHint, in: db)
            }
            if recorded == .unknown {
                logger.warning("Webhook for a prediction the bridge does not know", metadata: ["prediction_id": "\(parsed.predictionID)"])
            }
            return count("replicate", Self.answer(for: recorded, jobID: jobHint ?? parsed.predictionID))
        } catch {
            logger.error("Could not record a Replicate webhook", metadata: ["error": "\(error)"])
            return count("replicate", Answer(status: 503, code: "TRY_AGAIN", message: "could not record the webhook; send it again"))
        }
    }

    /// `POST /webhooks/{kling|luma}/{job}/{token}`: the token must be the job's; the body is only a
    /// hint, so a terminal one is confirmed with one GET of the task, whose answer is what is recorded.
    /// A callback for a job already ended costs nothing.
    func receiveCallback(providerName: String, jobID: String, token: String, body: Data) async -> Answer {
        if let refused = checks.verifyCallback(providerName: providerName, jobID: jobID, token: token) { return refused }
        guard let provider = providers[providerName] else { return Answer(status: 404, code: "NOT_CONFIGURED", message: "no callbacks for \(providerName) here") }
        let parsed: (predictionID: String, progress: ProviderProgress)
        do {
            parsed = try provider.parseCallback(body)
        } catch {
            return count(providerName, Answer(status: 400, code: "WEBHOOK_BODY_INVALID", message: "the body is not a task: \(error)"))
        }
        do {
            guard let prediction = try await database.pool.read({ db in try PredictionRecord.fetchOne(db, key: jobID) }),
                  prediction.provider == providerName
            else {
                return count(providerName, Answer(status: 404, code: "UNKNOWN_JOB", message: "no \(providerName) job \(jobID)"))
            }
            if prediction.status.isTerminal { return count(providerName, .ok("ALREADY_FINAL", "job \(jobID) has already ended")) }
            if prediction.status == .pending {
                // The create call's answer is not recorded yet; the provider retries, and reconciliation
                // would find the result anyway.
                return count(providerName, Answer(status: 503, code: "TRY_AGAIN", message: "job \(jobID) is still being submitted"))
            }
            guard Self.sameTask(stored: prediction.predictionID, reported: parsed.predictionID) else {
                return count(providerName, Answer(status: 400, code: "WRONG_TASK", message: "the callback names another task"))
            }
            guard parsed.progress.isTerminal else {
                try await recorder.record(parsed.progress, jobID: jobID, provider: provider)
                return count(providerName, .ok("RUNNING", "noted"))
            }
            let confirmed: ProviderProgress
            do {
                confirmed = try await provider.progress(of: prediction.predictionID)
            } catch {
                logger.warning("Could not confirm a callback; the provider will send it again", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
                return count(providerName, Answer(status: 503, code: "TRY_AGAIN", message: "could not confirm the task: \(error)"))
            }
            let recorded = try await recorder.record(confirmed, jobID: jobID, provider: provider, countCheck: true)
            if recorded == .running {
                logger.warning("A callback said the task ended but the task says otherwise", metadata: ["job_id": "\(jobID)"])
                return count(providerName, Answer(status: 202, code: "NOT_CONFIRMED", message: "the task is still running"))
            }
            return count(providerName, Self.answer(for: recorded, jobID: jobID))
        } catch {
            logger.error("Could not record a callback", metadata: ["provider": "\(providerName)", "error": "\(error)"])
            return count(providerName, Answer(status: 503, code: "TRY_AGAIN", message: "could not record the callback; send it again"))
        }
    }

    /// The job a prediction belongs to: by its recorded prediction id, or the URL's job hint when
    /// that job is still waiting for the create call's answer (the webhook overtook it).
    private static func job(forPrediction predictionID: String, provider: String, hint: String?,
                            in db: Database) throws -> GenerationRecorder.JobMatch? {
        if let jobID = try String.fetchOne(db, sql: "SELECT job_id FROM predictions WHERE prediction_id = ? AND provider = ?",
                                           arguments: [predictionID, provider]) {
            return GenerationRecorder.JobMatch(jobID: jobID)
        }
        guard let hint, let pending = try PredictionRecord.fetchOne(db, key: hint), pending.provider == provider,
              pending.status == .pending else { return nil }
        return GenerationRecorder.JobMatch(jobID: pending.jobID, adoptPredictionID: predictionID)
    }

    /// Kling's stored ids carry the endpoint (`image2video/<task>`); callbacks name the bare task.
    static func sameTask(stored: String, reported: String) -> Bool {
        stored == reported || stored.hasSuffix("/" + reported)
    }

    private static func answer(for recorded: GenerationRecorder.Recorded, jobID: String) -> Answer {
        switch recorded {
        case .finished: .ok("RECORDED", "job \(jobID) ended")
        case .running: .ok("RUNNING", "noted")
        case .alreadyFinal: .ok("ALREADY_FINAL", "job \(jobID) had already ended")
        case .unknown: .ok("UNKNOWN_PREDICTION", "no job has this prediction")
        case .duplicate: .ok("DUPLICATE", "this webhook was already handled")
        }
    }

    func count(_ provider: String, _ answer: Answer) -> Answer { checks.count(provider, answer) }
}
