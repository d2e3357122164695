import EventContracts
import EventRuntime
import Foundation
import Logging

/// Where the bridge's HTTP calls go. A call about a job whose shard this replica owns is handled
/// here by that shard's receiver; any other is checked here (signature or token) and handed to the
/// shard's owner on `provider.webhook`, keyed by the job's workspace, and answered once Kafka has it.
/// Input photos are read from the job's shard, whoever owns it.
struct WebhookEdge: Sendable {
    typealias Answer = WebhookReceiver.Answer

    let checks: WebhookChecks
    /// The receivers to try for a job of `workspace`: its shard's when owned here, none when not;
    /// with no workspace (a URL made before shards), every owned shard's.
    let receivers: @Sendable (_ workspace: String?) -> [WebhookReceiver]
    /// The input photos of `workspace`'s shard (any shard with no workspace).
    let inputs: @Sendable (_ workspace: String?) -> [InputFiles]
    /// Hands a checked call to the owner of `workspace`'s shard; throws when Kafka did not take it.
    let handOver: @Sendable (_ call: ProviderWebhookReceived, _ workspace: String) async throws -> Void
    let logger: Logger

    /// One receiver for every call (a bridge with one database, and tests).
    static func single(receiver: WebhookReceiver, inputs: InputFiles) -> WebhookEdge {
        WebhookEdge(checks: receiver.checks, receivers: { _ in [receiver] }, inputs: { _ in [inputs] },
                    handOver: { _, _ in throw RoomReelError(.internalError, "no shard owner to hand over to") }, logger: receiver.logger)
    }

    func receiveReplicate(webhookID: String?, timestamp: String?, signature: String?, body: Data, jobHint: String?, workspace: String?) async -> Answer {
        let local = receivers(workspace)
        if !local.isEmpty {
            return await firstKnown(local) { receiver in
                await receiver.receiveReplicate(webhookID: webhookID, timestamp: timestamp, signature: signature, body: body, jobHint: jobHint)
            }
        }
        if let refused = await checks.verifyReplicate(webhookID: webhookID, timestamp: timestamp, signature: signature, body: body, receivedAt: Date()) {
            return refused
        }
        return await handOver(ProviderWebhookReceived(provider: "replicate", jobID: jobHint, webhookID: webhookID, webhookTimestamp: timestamp,
                                                      webhookSignature: signature, body: body), workspace: workspace)
    }

    func receiveCallback(providerName: String, jobID: String, token: String, body: Data, workspace: String?) async -> Answer {
        let local = receivers(workspace)
        if !local.isEmpty {
            return await firstKnown(local) { receiver in
                await receiver.receiveCallback(providerName: providerName, jobID: jobID, token: token, body: body)
            }
        }
        if let refused = checks.verifyCallback(providerName: providerName, jobID: jobID, token: token) { return refused }
        return await handOver(ProviderWebhookReceived(provider: providerName, jobID: jobID, token: token, body: body), workspace: workspace)
    }

    func photo(jobID: String, index: Int, token: String, workspace: String?) async -> InputFiles.Photo? {
        for files in inputs(workspace) {
            if let photo = await files.photo(jobID: jobID, index: index, token: token) { return photo }
        }
        return nil
    }

    /// The first answer that knows the job, trying each receiver in turn.
    private func firstKnown(_ receivers: [WebhookReceiver], _ receive: (WebhookReceiver) async -> Answer) async -> Answer {
        var answer = Answer(status: 404, code: "UNKNOWN_JOB", message: "no such job here")
        for receiver in receivers {
            answer = await receive(receiver)
            if !["UNKNOWN_JOB", "UNKNOWN_PREDICTION"].contains(answer.code) { return answer }
        }
        return answer
    }

    private func handOver(_ call: ProviderWebhookReceived, workspace: String?) async -> Answer {
        guard let workspace else {
            return checks.count(call.provider, Answer(status: 404, code: "UNKNOWN_JOB", message: "no such job here"))
        }
        do {
            try await handOver(call, workspace)
            logger.debug("Handed a provider's call to the job's shard owner", metadata: ["provider": "\(call.provider)", "job_id": "\(call.jobID ?? "-")"])
            return checks.count(call.provider, Answer(status: 202, code: "HANDED_OVER", message: "taken; the job's owner applies it"))
        } catch {
            logger.warning("Could not hand a provider's call over", metadata: ["provider": "\(call.provider)", "error": "\(error)"])
            return checks.count(call.provider, Answer(status: 503, code: "TRY_AGAIN", message: "could not take the call; send it again"))
        }
    }
}
