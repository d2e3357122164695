import Foundation
import LocalRender

/// The local renderer as a provider: its jobs are recorded `submitted` at once with the id
/// `local-<job>`, `LocalRenderWorker` renders them from the predictions table, and the scheduler holds
/// them to their time limit like any other provider's.
struct LocalProvider: VideoProvider {
    var name: String { LocalRenderer.providerName }
    var completion: CompletionChannel { .inProcess }

    static func predictionID(jobID: String) -> String { "local-\(jobID)" }

    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String {
        Self.predictionID(jobID: job.jobID)
    }

    /// The worker records its own results; there is nothing to ask.
    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress {
        .running(status: "rendering")
    }

    /// A render past its limit finishes and finds the job already ended; nothing to stop here.
    func cancel(_ predictionID: String) async {}
}
