import Crypto
import EventContracts
import Foundation
import Hummingbird
import LocalRender
import Logging
import OutboundHTTP
import ServiceLifecycle
import Signing
import Synchronization

/// `provider-sim`: one HTTP server on loopback that speaks the Replicate, Kling, Veo (Gemini API),
/// Luma and Runway API shapes RoomReel's clients use, renders real mp4s with the local renderer, and
/// calls back the way each provider does (Replicate signed the Standard Webhooks way; Kling and Luma
/// unsigned; Veo and Runway not at all). `SimulatorFaults` make it misbehave on purpose.
public final class ProviderSimulator: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Replicate's signing secret (`whsec_…`), which `GET /v1/webhooks/default/secret` also returns.
        public var webhookSecret: String
        /// Kling's secret key, to check the bearer JWTs.
        public var klingSecretKey: String
        public var workDirectory: URL
        public var ffmpegPath: String
        public var faults: SimulatorFaults

        public init(host: String = "127.0.0.1", port: Int = 0, webhookSecret: String = StandardWebhookSignature.generateSecret(),
                    klingSecretKey: String = "sim-kling-secret-key-of-32-bytes-or-more", workDirectory: URL, ffmpegPath: String = "ffmpeg",
                    faults: SimulatorFaults = SimulatorFaults()) {
            self.host = host
            self.port = port
            self.webhookSecret = webhookSecret
            self.klingSecretKey = klingSecretKey
            self.workDirectory = workDirectory
            self.ffmpegPath = ffmpegPath
            self.faults = faults
        }
    }

    public let configuration: Configuration
    let state: Mutex<SimulatorState>
    let boundPort = Mutex<Int?>(nil)
    let logger: Logger
    private let work: AsyncStream<String>
    private let workContinuation: AsyncStream<String>.Continuation
    private let ready: AsyncStream<Int>
    private let readyContinuation: AsyncStream<Int>.Continuation
    let http = ServiceHTTPClient(timeout: .seconds(10), connectTimeout: .seconds(3))

    public init(configuration: Configuration, logger: Logger = Logger(label: "provider-sim")) {
        self.configuration = configuration
        self.logger = logger
        var initial = SimulatorState()
        initial.faults = configuration.faults
        state = Mutex(initial)
        (work, workContinuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        (ready, readyContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The base URL the simulator serves, once it is listening.
    public func baseURL() async -> URL {
        if let port = boundPort.withLock({ $0 }) { return URL(string: "http://127.0.0.1:\(port)")! }
        for await port in ready { return URL(string: "http://127.0.0.1:\(port)")! }
        return URL(string: "http://127.0.0.1:0")!
    }

    /// The base URL while listening (request handlers run only then).
    var listeningURL: URL { URL(string: "http://127.0.0.1:\(boundPort.withLock { $0 } ?? 0)")! }

    /// Changes the faults for what comes next.
    public func setFaults(_ faults: SimulatorFaults) {
        state.withLock { $0.faults = faults }
    }

    public var stats: SimulatorStats { state.withLock { $0.stats } }

    public func run() async throws {
        try FileManager.default.createDirectory(at: configuration.workDirectory, withIntermediateDirectories: true)
        let app = Application(
            router: SimulatorRoutes(simulator: self).router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "provider-sim"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.port
                boundPort.withLock { $0 = port }
                readyContinuation.yield(port)
                logger.notice("provider-sim listening", metadata: ["port": "\(port)"])
            },
            logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await app.run() }
            group.addTask { [self] in
                // One render at a time (ffmpeg uses every core); callbacks go out on tasks of their own.
                await withDiscardingTaskGroup { deliveries in
                    for await taskID in work.cancelOnGracefulShutdown() {
                        if let delivery = await generate(taskID) {
                            deliveries.addTask { await delivery() }
                        }
                    }
                }
            }
        }
    }

    /// Queues a new task for rendering.
    func enqueue(_ task: SimulatedTask) {
        state.withLock { $0.tasks[task.id] = task }
        workContinuation.yield(task.id)
    }

    func task(_ id: String) -> SimulatedTask? {
        state.withLock { $0.tasks[id] }
    }

    func countStatusRead(_ api: SimulatedAPI) {
        state.withLock { $0.stats.statusReads[api.rawValue, default: 0] += 1 }
    }

    /// Renders one task and ends it as the faults say; returns its callbacks to deliver.
    private func generate(_ taskID: String) async -> (@Sendable () async -> Void)? {
        guard var task = task(taskID) else { return nil }
        let faults = state.withLock { $0.faults }
        task.state = .running
        state.withLock { $0.tasks[taskID] = task }
        if faults.neverFinish { return nil }
        if faults.moderate {
            task.state = .failed("The input or output was flagged as sensitive (content moderation)")
        } else {
            do {
                try await render(task) { [self] percent in
                    state.withLock { $0.tasks[taskID]?.progress = Double(percent) / 100 }
                }
                task.state = .succeeded
                task.hasOutput = !faults.succeedWithoutOutput
            } catch {
                logger.error("Simulated render failed", metadata: ["task": "\(taskID)", "error": "\(error)"])
                task.state = .failed("render failed: \(error)")
            }
        }
        task.finishedAt = Date()
        let finished = task
        state.withLock { $0.tasks[taskID] = finished }
        guard let callback = finished.callbackURL, !faults.loseWebhooks, finished.api == .replicate || finished.api == .kling || finished.api == .luma
        else { return nil }
        return { [self] in await deliver(finished, to: callback, faults: faults) }
    }

    /// The task's video file.
    func outputFile(_ taskID: String) -> URL {
        configuration.workDirectory.appendingPathComponent("\(taskID).mp4")
    }

    private func render(_ task: SimulatedTask, progress: @escaping @Sendable (Int) -> Void) async throws {
        var photo = task.photo
        if photo == nil {
            photo = try await SyntheticStill.write(to: configuration.workDirectory.appendingPathComponent("text-to-video-still.png"),
                                                   ffmpegPath: configuration.ffmpegPath)
        }
        guard let photo else { return }
        let ratio = AspectRatio(rawValue: task.aspectRatio) ?? .landscape
        let seconds = min(max(task.durationSeconds, RenderRequest.durationRange.lowerBound), RenderRequest.durationRange.upperBound)
        let digest = SHA256.hash(data: (try? Data(contentsOf: photo)) ?? Data()).map { String(format: "%02x", $0) }.joined()
        let cacheKey = "\(digest)-\(ratio.rawValue)-\(seconds)"
        let output = outputFile(task.id)
        if let cached = state.withLock({ $0.renders[cacheKey] }) {
            try? FileManager.default.removeItem(at: output)
            try FileManager.default.copyItem(at: cached, to: output)
            return
        }
        let renderer = LocalRenderer(ffmpegPath: configuration.ffmpegPath)
        try await renderer.render(RenderRequest(content: .cameraMotion(.zoomIn, image: photo), aspectRatio: ratio, framesPerSecond: 24,
                                                durationSeconds: seconds),
                                  video: output, poster: configuration.workDirectory.appendingPathComponent("\(task.id).jpg"),
                                  logFile: configuration.workDirectory.appendingPathComponent("\(task.id).log"), progress: progress)
        state.withLock { $0.renders[cacheKey] = output }
    }

    /// Posts the task's callback the provider's way, retrying a refused delivery three times.
    private func deliver(_ task: SimulatedTask, to callback: String, faults: SimulatorFaults) async {
        guard let url = URL(string: callback) else { return }
        if faults.webhookDelayMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(faults.webhookDelayMilliseconds)) }
        let base = listeningURL
        var messages = [SimulatorRoutes.callbackBody(task, baseURL: base)]
        if faults.duplicateWebhooks { messages.append(messages[0]) }
        if faults.outOfOrderWebhooks {
            var stale = task
            stale.state = .running
            messages.append(SimulatorRoutes.callbackBody(stale, baseURL: base))
        }
        var lastID: String?
        for (index, body) in messages.enumerated() {
            // A duplicate reuses the webhook id, as a provider's retry does.
            let webhookID = (faults.duplicateWebhooks && index == 1) ? (lastID ?? "msg_\(UUID().uuidString)") : "msg_\(UUID().uuidString)"
            lastID = webhookID
            var headers: [(name: String, value: String)] = []
            if task.api == .replicate {
                let timestamp = Int64(Date().timeIntervalSince1970)
                let secret = faults.badSignatures ? StandardWebhookSignature.generateSecret() : configuration.webhookSecret
                let signature = StandardWebhookSignature(secret: secret)!.signature(id: webhookID, timestamp: timestamp, body: Array(body))
                headers = [("webhook-id", webhookID), ("webhook-timestamp", "\(timestamp)"), ("webhook-signature", signature)]
            }
            for attempt in 0..<4 {
                state.withLock { $0.stats.webhooksSent[task.api.rawValue, default: 0] += 1 }
                let answer = try? await http.sendJSON("POST", url, headers: headers, json: body)
                if let answer, (200..<300).contains(answer.status) { break }
                try? await Task.sleep(for: .milliseconds(100 << attempt))
            }
        }
    }
}
