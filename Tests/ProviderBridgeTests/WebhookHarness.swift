import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird
import ObjectStorage
import OutboundHTTP
@testable import ProviderBridge
import Signing
import TestSupport

/// A bridge's webhook side on a real SQLite file and real HTTP, with one Replicate job (prediction
/// `p1`) and one Kling job waiting for their results.
struct WebhookHarness: Sendable {
    static let replicateJob = "job-replicate"
    static let klingJob = "job-kling"
    let directoryURL: URL
    let database: ServiceDatabase
    let secret: String
    let callbacks: CallbackURLs
    let receiver: WebhookReceiver
    let commits: GroupCommit<GenerationRecorder.Recorded>
    let inputs: InputFiles

    /// `providerBaseURL` is where the clients' confirmation GETs go (a simulator), `klingPredictionID`
    /// the Kling job's task there.
    static func make(providerBaseURL: URL = URL(string: "http://127.0.0.1:9")!, klingPredictionID: String = "image2video/k1") throws -> WebhookHarness {
        let directory = try TemporaryDirectory()
        let database = try ServiceDatabase(path: directory.url.appendingPathComponent("bridge.sqlite").path,
                                           migrations: PredictionRecord.registerMigrations)
        let secret = StandardWebhookSignature.generateSecret()
        let callbacks = CallbackURLs(key: Data(repeating: 7, count: 32), publicBaseURL: { URL(string: "http://127.0.0.1:1")! })
        let providers: [String: any VideoProvider] = [
            "replicate": ReplicateProvider(baseURL: providerBaseURL, token: "r8_test"),
            "kling": KlingProvider(baseURL: providerBaseURL, accessKey: "sim-access", secretKey: "sim-kling-secret-key-of-32-bytes-or-more"),
        ]
        let commits = GroupCommit<GenerationRecorder.Recorded>(database: database)
        let recorder = GenerationRecorder(database: database, commits: commits, renders: RenderFiles(directory: directory.url), client: ServiceHTTPClient(),
                                          logger: testLogger)
        let receiver = WebhookReceiver(database: database, providers: providers,
                                       replicateSignature: ReplicateSigningKey(fixed: StandardWebhookSignature(secret: secret)!),
                                       callbacks: callbacks, recorder: recorder, logger: testLogger)
        try database.pool.write { db in
            for (job, provider, prediction) in [(replicateJob, "replicate", "p1"), (klingJob, "kling", klingPredictionID)] {
                let routed = VideoRouted(
                    request: VideoJobSpec(jobID: job, workspaceID: "ws", videoType: nil, model: "m", cameraMotion: nil, prompt: "p", style: nil,
                                          aspectRatio: .landscape, durationSeconds: 5),
                    inputImageKeys: [], modelID: "m", provider: provider, credits: 1)
                let now = Date()
                try PredictionRecord(jobID: job, workspaceID: "ws", provider: provider, modelID: "m", predictionID: prediction, status: .submitted,
                                     routed: try EventCoding.encoder.encode(routed), outputURL: nil, errorCode: nil, errorMessage: nil,
                                     createdAt: now, updatedAt: now, nextCheckAt: now.addingTimeInterval(3600),
                                     deadlineAt: now.addingTimeInterval(7200)).insert(db)
            }
        }
        return WebhookHarness(directoryURL: directory.url, database: database, secret: secret, callbacks: callbacks, receiver: receiver,
                              commits: commits, inputs: InputFiles(database: database, storage: LocalBlobStore(root: directory.url),
                                                                   callbacks: callbacks))
    }

    func remove() { try? FileManager.default.removeItem(at: directoryURL) }

    /// Serves the bridge's routes while `body` runs with their base URL.
    func serve(_ body: @Sendable (URL) async throws -> Void) async throws {
        try await withRunningServices([commits]) {
            try await withLoopbackServer(WebhookRoutes.router(receiver: receiver, inputs: inputs)) { port in
                try await body(URL(string: "http://127.0.0.1:\(port)")!)
            }
        }
    }

    /// What the database holds for a job: its status, and the outbox and receipt counts.
    func state(job: String) throws -> (status: String, outbox: Int, receipts: Int) {
        try database.pool.read { db in
            (try String.fetchOne(db, sql: "SELECT status FROM predictions WHERE job_id = ?", arguments: [job]) ?? "?",
             try OutboxRecord.fetchCount(db), try WebhookReceiptRecord.fetchCount(db))
        }
    }

    /// `v1,<base64>` for a message, under `secret` (this harness's unless given).
    func sign(id: String, timestamp: Int64, body: Data, secret: String? = nil) -> String {
        StandardWebhookSignature(secret: secret ?? self.secret)!.signature(id: id, timestamp: timestamp, body: Array(body))
    }

    static func predictionBody(id: String = "p1", status: String = "succeeded", output: String = "https://replicate.delivery/out.mp4") -> Data {
        Data(#"{"id":"\#(id)","status":"\#(status)","output":"\#(output)","error":null}"#.utf8)
    }
}
