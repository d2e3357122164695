import EventContracts
import EventRuntime
import Foundation
import Logging

/// Applies a provider's call that another replica checked and handed over (`provider.webhook`) with
/// the receiver of the shard it belongs to, as if the call had come here, at the time it arrived
/// there. An answer that asks the provider to try again (the create call's answer not recorded yet,
/// a confirmation that failed) is retried here instead; one that refuses the call is logged.
struct WebhookHandoverHandler: EventHandler {
    /// The running receiver of a workspace's shard, nil while the shard's parts are starting.
    let receiver: @Sendable (_ workspaceID: String) -> WebhookReceiver?
    let logger: Logger

    var eventTypes: [EventType] { [.providerWebhook] }

    func handle(_ event: IncomingEvent) async throws {
        guard try await !event.inbox.isProcessed() else { return }
        let envelope = try event.decode(ProviderWebhookReceived.self)
        guard var receiver = receiver(envelope.workspaceID) else { throw ShardNotRunning(workspaceID: envelope.workspaceID) }
        receiver.now = { envelope.time }
        let call = envelope.data
        let answer = if call.provider == "replicate" {
            await receiver.receiveReplicate(webhookID: call.webhookID, timestamp: call.webhookTimestamp, signature: call.webhookSignature,
                                            body: call.bodyData, jobHint: call.jobID)
        } else {
            await receiver.receiveCallback(providerName: call.provider, jobID: call.jobID ?? "", token: call.token ?? "", body: call.bodyData)
        }
        if answer.status == 503 { throw HandedOverCallNotApplied(answer: answer) }
        if answer.status >= 400 {
            logger.warning("A handed-over provider call was refused", metadata: [
                "provider": "\(call.provider)", "job_id": "\(call.jobID ?? "-")", "code": "\(answer.code)", "reason": "\(answer.message)"])
        }
        try await event.inbox.commit { _ in }
    }

    struct ShardNotRunning: Error, CustomStringConvertible {
        var workspaceID: String
        var description: String { "the shard of workspace \(workspaceID) is not running here yet" }
    }

    struct HandedOverCallNotApplied: Error, CustomStringConvertible {
        var answer: WebhookReceiver.Answer
        var description: String { "\(answer.code): \(answer.message)" }
    }
}
