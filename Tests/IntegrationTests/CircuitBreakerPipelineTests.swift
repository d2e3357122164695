import EventContracts
import EventRuntime
import Foundation
import GRDB
import Logging
import Testing
import TestSupport

@Suite("Circuit breaker across the services", .serialized)
struct CircuitBreakerPipelineTests {
    static func modelEntry(_ id: String, in models: Pipeline.Reply) -> [String: Any]? {
        (models.json["models"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test("provider-bridge's failures for a provider mark it unhealthy for model-router and api-ingress: jobs fall back, saying why, and still get made")
    func failingProviderIsSkipped() async throws {
        // Kling has (dummy) credentials, so kling-v3.0, the social_reel default, starts out available.
        try await Pipeline.with(environment: ["KLING_ACCESS_KEY": "it-access", "KLING_SECRET_KEY": "it-kling-secret-key-of-32-bytes-or-more"]) { pipeline in
            let before = try await pipeline.get("/v1/models")
            #expect(Self.modelEntry("kling-v3.0", in: before)?["available"] as? Bool == true, "\(before.json)")

            // Five failed generations at Kling, reported on Kafka exactly as provider-bridge reports them.
            let producer = try KafkaProducer(brokers: pipeline.brokers, clientID: "it-provider-bridge", logger: Logger(label: "it"))
            let failures = (0..<5).map { index in
                EventEnvelope(source: "provider-bridge", subject: "earlier-job-\(index)", workspaceID: Pipeline.workspace,
                              data: ProviderOutcome.failure(provider: "kling", modelID: "kling-v3.0", error: RoomReelError(.providerError, "HTTP 503")))
            }
            try await withRunningServices([producer]) {
                try await producer.send(try failures.map {
                    OutgoingKafkaMessage(topic: EventType.providerOutcome.topic, key: Pipeline.workspace, value: try $0.encoded())
                })
            }
            // model-router takes the failures in on its own consumer, at its own pace (each a durable
            // commit): wait for all five there too, or the job below may be routed before they count.
            let failureIDs = failures.map(\.id)
            _ = try await eventually("model-router to have taken in the five failures") {
                try pipeline.database("model-router").read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE event_id IN (\(failureIDs.map { _ in "?" }.joined(separator: ",")))",
                                     arguments: StatementArguments(failureIDs)) == failureIDs.count ? true : nil
                }
            }

            let reason = try await eventually("api-ingress to list kling-v3.0 as unavailable") {
                let models = try await pipeline.get("/v1/models")
                return Self.modelEntry("kling-v3.0", in: models).flatMap { $0["available"] as? Bool == false ? $0["unavailable_reason"] as? String : nil }
            }
            #expect(reason.contains("unhealthy") && reason.contains("PROVIDER_ERROR"), "\(reason)")

            let sample = try Data(contentsOf: BuiltProducts.samplePhoto)
            let reel = try await pipeline.submit(
                fields: [("video_type", "social_reel"), ("workspace_id", Pipeline.workspace), ("duration", "5")],
                files: [("images[]", sample), ("images[]", sample)])
            #expect(reel.status == 202, "\(reel.json)")
            #expect(reel.json["model"] as? String == "local-social-reel")
            let id = try #require(reel.json["id"] as? String)

            let decision = try await eventually("model-router's decision for \(id)") {
                try pipeline.database("model-router").read { db in
                    try Row.fetchOne(db, sql: "SELECT model_id, reason FROM routing_decisions WHERE job_id = ?", arguments: [id])
                }
            }
            #expect(decision["model_id"] as String? == "local-social-reel")
            let routedReason: String = decision["reason"]
            #expect(routedReason.contains("fallback from kling-v3.0") && routedReason.contains("unhealthy"), "\(routedReason)")

            let job = try await pipeline.finishedJob(id)
            #expect(job["status"] as? String == "completed", "\(job)")
            #expect(try pipeline.debitCount(job: id) == 1)
        }
    }
}
