import EventContracts
import Foundation

/// How a provider tells RoomReel that a generation ended.
enum CompletionChannel: Sendable, Equatable {
    /// A webhook signed the Standard Webhooks way (Replicate); trusted once verified.
    case signedWebhook
    /// An unsigned callback to a URL carrying a per-job token (Kling, Luma); confirmed with one GET.
    case tokenCallback
    /// No webhook at all (Veo, Runway): the bridge polls with backoff.
    case polling
    /// The bridge makes the video itself (the local renderer's worker): nothing to call back or
    /// poll; only the time limit applies.
    case inProcess
}

/// One job as a provider client needs it.
struct ProviderJob: Sendable {
    var jobID: String
    /// The model's id at the provider (`wavespeedai/wan-2.1-i2v-720p`, `kling-v2-6`, `veo-3.0-generate-001` …).
    var providerModelID: String
    /// The client's prompt with the style and video type folded in.
    var prompt: String
    /// The job's input photos, in order (empty for text-to-video).
    var images: [ProviderImage]
    var aspectRatio: AspectRatio
    var durationSeconds: Double
    /// Where the provider should call back; nil for providers that are polled.
    var callbackURL: URL?
}

/// A job's photo, for a provider to take inline or fetch.
struct ProviderImage: Sendable {
    var data: Data
    var mimeType: String
    /// Where the provider can fetch it (served by the bridge, `InputFiles`), for providers that take
    /// inputs only by URL.
    var url: URL

    /// `data:<mime>;base64,<bytes>`: how Replicate and Runway take a file inline.
    var dataURI: String { "data:\(mimeType);base64,\(data.base64EncodedString())" }
}

/// Where a generation stands at its provider.
enum ProviderProgress: Sendable, Equatable {
    /// Still working; `status` is the provider's own word for it, `percent` how far it says it is
    /// (for providers that say: Runway's `progress`).
    case running(status: String, percent: Int? = nil)
    /// Finished; `outputURL` nil means the provider said it succeeded but gave no video.
    case succeeded(outputURL: String?)
    /// Finished without a video.
    case failed(RoomReelError)

    var isTerminal: Bool {
        if case .running = self { return false }
        return true
    }
}

/// Why a call to a provider did not work.
enum ProviderCallError: Error, Equatable, CustomStringConvertible {
    /// 429: try again later, after `retryAfter` seconds when the provider said.
    case rateLimited(retryAfter: Double?, message: String)
    /// 5xx, a timeout, a refused connection, an answer that could not be read: try again, within a bound.
    case unavailable(String)
    /// The provider refused RoomReel's credentials: the provider is unhealthy until fixed.
    case authFailed(String)
    /// The provider refused this job for good (moderation, a request it cannot take).
    case rejected(RoomReelError)
    /// The provider does not know the task (404 on a status check).
    case unknownTask(String)

    var description: String {
        switch self {
        case .rateLimited(let retryAfter, let message): "rate limited (retry after \(retryAfter.map { "\($0) s" } ?? "unspecified")): \(message)"
        case .unavailable(let message): "provider unavailable: \(message)"
        case .authFailed(let message): "provider refused the credentials: \(message)"
        case .rejected(let error): "provider rejected the job: \(error)"
        case .unknownTask(let message): "provider does not know the task: \(message)"
        }
    }

    /// Whether the same call may work if made again later.
    var isRetryable: Bool {
        switch self {
        case .rateLimited, .unavailable: true
        case .authFailed, .rejected, .unknownTask: false
        }
    }

    /// The job's error when this ends it.
    var jobError: RoomReelError {
        switch self {
        case .rateLimited(_, let message): RoomReelError(.providerError, "the provider kept rate-limiting the job: \(message)")
        case .unavailable(let message): RoomReelError(.providerError, "the provider kept failing: \(message)")
        case .authFailed(let message): RoomReelError(.providerAuthFailed, message)
        case .rejected(let error): error
        case .unknownTask(let message): RoomReelError(.providerError, "the provider lost the task: \(message)")
        }
    }
}

/// A client of one provider's documented API. Implementations are plain HTTP clients; the bridge's
/// scheduler and callback receiver decide when to call them.
protocol VideoProvider: Sendable {
    /// The catalog's provider name (`replicate`, `kling`, `google`, `luma`, `runway`).
    var name: String { get }
    var completion: CompletionChannel { get }
    /// Starts a generation and returns the provider's id for it.
    func submit(_ job: ProviderJob) async throws(ProviderCallError) -> String
    /// One status check (a GET).
    func progress(of predictionID: String) async throws(ProviderCallError) -> ProviderProgress
    /// Asks the provider to stop (best effort: a job past its time limit).
    func cancel(_ predictionID: String) async
    /// The prediction id and progress a callback body reports.
    func parseCallback(_ body: Data) throws(ProviderCallError) -> (predictionID: String, progress: ProviderProgress)
    /// Headers needed to download an output (Veo's file URIs want the API key); nil when the output
    /// URL is fetchable as it is, by storage-uploader.
    var outputDownloadHeaders: [(name: String, value: String)]? { get }
}

extension VideoProvider {
    func parseCallback(_ body: Data) throws(ProviderCallError) -> (predictionID: String, progress: ProviderProgress) {
        throw .unavailable("\(name) sends no callbacks")
    }

    var outputDownloadHeaders: [(name: String, value: String)]? { nil }
}
