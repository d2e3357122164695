import Foundation
import OutboundHTTP
@testable import ProviderBridge
import ProviderSim
import Testing
import TestSupport

/// Kling and Luma call back unsigned: the URL's per-job token is the only credential, and the body is
/// believed only after one GET of the task at the provider (here `provider-sim` on loopback).
@Suite("Unsigned callbacks: per-job tokens and a confirming GET")
struct CallbackTokenTests {
    /// Runs `body` with a simulator, a Kling task created at it through the real client, and the
    /// harness whose Kling job is that task.
    private func withKlingTask(faults: SimulatorFaults, _ body: @Sendable (WebhookHarness, URL, ProviderSimulator, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let simulator = ProviderSimulator(configuration: .init(workDirectory: directory.url, faults: faults))
        try await withRunningServices([simulator]) {
            let simulatorURL = await simulator.baseURL()
            let client = KlingProvider(baseURL: simulatorURL, accessKey: "sim-access", secretKey: "sim-kling-secret-key-of-32-bytes-or-more")
            let predictionID = try await client.submit(ProviderJob(
                jobID: WebhookHarness.klingJob, providerModelID: "kling-v3", prompt: "a room", images: [], aspectRatio: .landscape,
                durationSeconds: 2, callbackURL: nil))
            let harness = try WebhookHarness.make(providerBaseURL: simulatorURL, klingPredictionID: predictionID)
            defer { harness.remove() }
            try await harness.serve { base in
                try await body(harness, base, simulator, String(predictionID.split(separator: "/").last!))
            }
        }
    }

    private func post(_ base: URL, _ path: String, _ body: Data) async throws -> HTTPAnswer {
        try await ServiceHTTPClient().send("POST", URL(string: base.absoluteString + path)!, headers: [("Content-Type", "application/json")],
                                           body: Array(body))
    }

    private static func klingBody(task: String, status: String, url: String = "https://attacker.example/evil.mp4") -> Data {
        Data(#"{"task_id":"\#(task)","task_status":"\#(status)","task_result":{"videos":[{"id":"v","url":"\#(url)"}]}}"#.utf8)
    }

    @Test("a wrong, another job's, or truncated token is refused; an unknown provider is not found; nothing changes")
    func badTokens() async throws {
        try await withKlingTask(faults: .with { $0.neverFinish = true }) { harness, base, simulator, task in
            let job = WebhookHarness.klingJob
            let body = Self.klingBody(task: task, status: "succeed")
            let token = harness.callbacks.token(jobID: job)
            let wrong = try await post(base, "/webhooks/kling/\(job)/\(String(repeating: "A", count: token.count))", body)
            #expect(wrong.status == 401)
            let othersToken = try await post(base, "/webhooks/kling/\(job)/\(harness.callbacks.token(jobID: WebhookHarness.replicateJob))", body)
            #expect(othersToken.status == 401)
            let truncated = try await post(base, "/webhooks/kling/\(job)/\(token.prefix(10))", body)
            #expect(truncated.status == 401)
            let unknownProvider = try await post(base, "/webhooks/fal/\(job)/\(token)", body)
            #expect(unknownProvider.status == 404)
            let state = try harness.state(job: job)
            #expect(state.status == "submitted")
            #expect(state.outbox == 0)
            #expect(simulator.stats.statusReads["kling", default: 0] == 0, "a refused callback costs the provider nothing")
        }
    }

    @Test("a forged 'succeed' with the right token is checked with one GET, and the task's word wins")
    func forgedSuccessNotConfirmed() async throws {
        try await withKlingTask(faults: .with { $0.neverFinish = true }) { harness, base, simulator, task in
            let job = WebhookHarness.klingJob
            let token = harness.callbacks.token(jobID: job)
            let answer = try await post(base, "/webhooks/kling/\(job)/\(token)", Self.klingBody(task: task, status: "succeed"))
            #expect(answer.status == 202)
            #expect(simulator.stats.statusReads["kling", default: 0] == 1)
            let wrongTask = try await post(base, "/webhooks/kling/\(job)/\(token)", Self.klingBody(task: "someone-elses", status: "succeed"))
            #expect(wrongTask.status == 400)
            let state = try harness.state(job: job)
            #expect(state.status == "submitted")
            #expect(state.outbox == 0)
        }
    }

    @Test("a genuine callback is confirmed and recorded once; later ones cost nothing")
    func genuineCallback() async throws {
        try await withKlingTask(faults: SimulatorFaults()) { harness, base, simulator, task in
            let job = WebhookHarness.klingJob
            let token = harness.callbacks.token(jobID: job)
            let client = KlingProvider(baseURL: await simulator.baseURL(), accessKey: "sim-access", secretKey: "sim-kling-secret-key-of-32-bytes-or-more")
            _ = try await eventually("the simulated render", timeout: .seconds(60)) {
                try await client.progress(of: "text2video/\(task)").isTerminal ? true : nil
            }
            let readsBefore = simulator.stats.statusReads["kling", default: 0]
            let answer = try await post(base, "/webhooks/kling/\(job)/\(token)", Self.klingBody(task: task, status: "succeed"))
            #expect(answer.status == 200)
            #expect(simulator.stats.statusReads["kling", default: 0] == readsBefore + 1)
            let state = try harness.state(job: job)
            let failure = try await harness.database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT error_message FROM predictions WHERE job_id = ?", arguments: [job])
            }
            #expect(state.status == "succeeded", "\(failure ?? "")")
            #expect(state.outbox == 2)
            let output = try await harness.database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT output_url FROM predictions WHERE job_id = ?", arguments: [job])
            }
            let simulatorBase = await simulator.baseURL().absoluteString
            #expect(output?.hasPrefix(simulatorBase) == true, "the output URL is the provider's, not the callback's")
            let again = try await post(base, "/webhooks/kling/\(job)/\(token)", Self.klingBody(task: task, status: "succeed"))
            #expect(again.status == 200)
            #expect(simulator.stats.statusReads["kling", default: 0] == readsBefore + 1)
        }
    }
}
