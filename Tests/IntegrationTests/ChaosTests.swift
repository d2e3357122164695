import Foundation
import FoundationNetworking
import GRDB
import Hummingbird
import OutboundHTTP
import Synchronization
import Testing
import TestSupport

/// Jobs keep arriving while the services are killed with SIGKILL at random moments, each kill
/// right after the service handled an event, and restarted; clients retry under their
/// `Idempotency-Key` and webhook receivers sometimes answer 500. At the end every job has ended
/// and each is whole: one debit, one stored video, every webhook attempt complete, no render left.
/// `ROOMREEL_CHAOS_JOBS` and `ROOMREEL_CHAOS_KILLS` size the run (`make chaos`: 300 and 20);
/// `ROOMREEL_CHAOS_SEED` replays one.
@Suite("Chaos: services killed while jobs flow")
struct ChaosTests {
    @Test("every job ends completed with one debit, one stored video and complete webhooks; data/renders and the upload work folder end empty")
    func killsWhileJobsFlow() async throws {
        let environment = ProcessInfo.processInfo.environment
        let jobCount = Int(environment["ROOMREEL_CHAOS_JOBS"] ?? "") ?? 16
        let killCount = Int(environment["ROOMREEL_CHAOS_KILLS"] ?? "") ?? 5
        let seed = UInt64(environment["ROOMREEL_CHAOS_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("chaos: \(jobCount) jobs, \(killCount) kills, ROOMREEL_CHAOS_SEED=\(seed)")
        let receiver = FlakyReceiver()
        try await withLoopbackServer(receiver.router) { port in
            try await Pipeline.with(environment: [
                "INGRESS_FETCH_ALLOW": "127.0.0.1/32", "INGRESS_WEBHOOK_RETRY_SCALE": "0.001",
                "INGRESS_JOBS_PER_MINUTE": "0", "INGRESS_MAX_ACTIVE_JOBS": "0",
                "BILLING_BOOTSTRAP_GRANTS": "\(Pipeline.workspace):1000000",
            ]) { pipeline in
                let photos = try Self.distinctPhotos(jobCount, in: pipeline.directory.url)
                let client = ChaosClient(pipeline: pipeline, webhook: "http://127.0.0.1:\(port)/hook")
                var killer = Killer(pipeline: pipeline, client: client, seed: seed)

                let ids = try await withThrowingTaskGroup(of: [Int: String].self) { group in
                    let queue = JobQueue(count: jobCount)
                    for _ in 0..<3 {
                        group.addTask {
                            var accepted: [Int: String] = [:]
                            while let n = queue.take() {
                                accepted[n] = try await client.submit(n, photo: photos[n])
                            }
                            return accepted
                        }
                    }
                    try await killer.kill(killCount, until: { try Self.endedJobs(in: pipeline) >= jobCount })
                    var ids: [Int: String] = [:]
                    for try await part in group { ids.merge(part) { first, _ in first } }
                    return ids
                }
                pipeline.useIngressPort(client.port)
                #expect(ids.count == jobCount)

                var webhooksChecked = 0
                for n in 0..<jobCount {
                    let id = try #require(ids[n])
                    let job = try await pipeline.finishedJob(id, timeout: .seconds(900))
                    #expect(job["status"] as? String == "completed", "job \(n): \(job)")
                    #expect(try pipeline.debitCount(job: id) == 1, "job \(n) \(id)")
                    #expect(try Self.storedVideos(of: id, in: pipeline.directory.url) == 1, "job \(n) \(id)")
                    // Delivered in the end (a 2xx answer), and every attempt, failed or not, whole.
                    let attempts = try await eventually("the webhook of job \(n) to be delivered", timeout: .seconds(300)) {
                        let attempts = receiver.attempts(for: id)
                        return attempts.contains { $0.answered } ? attempts : nil
                    }
                    for attempt in attempts {
                        webhooksChecked += 1
                        let message = try JSONSerialization.jsonObject(with: Data(attempt.body)) as? [String: Any]
                        let data = try #require(message?["data"] as? [String: Any], "job \(n): \(String(decoding: attempt.body, as: UTF8.self))")
                        for field in ["status", "credits_debited", "provider_prediction_id", "model", "provider", "video_url"] {
                            #expect(data[field] != nil && !(data[field] is NSNull), "job \(n): webhook without \(field): \(data)")
                            // Links name the api-ingress that wrote them: a restarted one listens on another port here.
                            #expect(Self.withoutOrigin(data[field]) == Self.withoutOrigin(job[field]), "job \(n): webhook \(field) \(data) vs \(job)")
                        }
                    }
                }
                // Working copies go once the video is stored: nothing is left behind once every job ended.
                let scratch = ["renders", "storage-uploader-work"].map { pipeline.directory.url.appendingPathComponent($0) }
                var files: [String] = []
                let left: Int
                do {
                    left = try await eventually("data/renders and storage-uploader-work to empty", timeout: .seconds(60)) {
                        // Files, at any depth: each replica has a folder of its own in storage-uploader-work.
                        files = scratch.flatMap { folder in
                            (FileManager.default.subpaths(atPath: folder.path) ?? []).filter { path in
                                var isFolder: ObjCBool = false
                                return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder) && !isFolder.boolValue
                            }.map { "\(folder.lastPathComponent)/\($0)" }
                        }
                        return files.isEmpty ? 0 : nil
                    }
                } catch {
                    Issue.record("files left behind: \(files)")
                    throw error
                }
                let verify = try runTool(BuiltProducts.executable("roomreel").path, ["ledger", "verify", "--data-dir", pipeline.directory.url.path])
                #expect(verify.status == 0, "\(verify.output)")
                print("""
                    chaos (seed \(seed)): \(jobCount) jobs, all completed; kills \(killer.kills.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); \
                    same-key replays \(client.replays.withLock { $0 }), retries after a failed try \(client.retries.withLock { $0 }); webhook attempts checked \(webhooksChecked), incomplete 0 \
                    (answered 500: \(receiver.failed.withLock { $0 })); files left in data/renders and storage-uploader-work \(left)
                    """)
            }
        }
    }

    /// `count` different photos (a noise pattern that differs frame to frame over the sample), made
    /// by one ffmpeg run.
    static func distinctPhotos(_ count: Int, in directory: URL) throws -> [Data] {
        let folder = directory.appendingPathComponent("chaos-photos")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let made = try runTool("/usr/bin/ffmpeg", ["-v", "error", "-loop", "1", "-i", BuiltProducts.samplePhoto.path,
                                                   "-vf", "scale=1024:768,noise=alls=12:allf=t", "-frames:v", "\(count)", "-q:v", "5",
                                                   folder.appendingPathComponent("photo-%d.jpg").path])
        try #require(made.status == 0, "\(made.output)")
        let photos = try (1...count).map { try Data(contentsOf: folder.appendingPathComponent("photo-\($0).jpg")) }
        try #require(Set(photos).count == count, "the photos are not all different")
        return photos
    }

    /// Jobs that ended (completed or failed), by api-ingress's view.
    static func endedJobs(in pipeline: Pipeline) throws -> Int {
        try pipeline.database("api-ingress").read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE status IN ('completed', 'failed')") ?? 0
        }
    }

    /// A field's value as text, a URL without its scheme, host and port.
    static func withoutOrigin(_ value: Any?) -> String? {
        guard let value else { return nil }
        let text = "\(value)"
        guard let url = URL(string: text), url.scheme?.hasPrefix("http") == true else { return text }
        return url.path
    }

    /// Stored copies of the job's video (the storage key `generation-videos/<id>.mp4`).
    static func storedVideos(of id: String, in directory: URL) throws -> Int {
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix("generation-videos/\(id).mp4") }.count
    }
}

/// The client side: submits job `n` with its own photo under the `Idempotency-Key` chaos-<n>,
/// retrying through api-ingress's crashes, and sends every fourth job twice to check the replay.
private final class ChaosClient: Sendable {
    let webhook: String
    let apiKey: String
    let baseURL: Mutex<String>
    let retries = Mutex(0)
    let replays = Mutex(0)

    init(pipeline: Pipeline, webhook: String) {
        self.webhook = webhook
        apiKey = pipeline.apiKey
        baseURL = Mutex(pipeline.baseURL)
    }

    var port: String { String(baseURL.withLock { $0 }.split(separator: ":").last!) }

    func submit(_ n: Int, photo: Data) async throws -> String {
        let fields = [("video_type", "camera_motion"), ("camera_motion", n % 2 == 0 ? "pan_left_right" : "zoom_in"), ("duration", "2"),
                      ("workspace_id", Pipeline.workspace), ("webhook_url", webhook)]
        let first = try await post(fields, photo: photo, key: "chaos-\(n)")
        if n % 4 == 0 {
            let again = try await post(fields, photo: photo, key: "chaos-\(n)")
            replays.withLock { $0 += 1 }
            #expect(again == first, "job \(n): the retry under the same Idempotency-Key answered \(again), not \(first)")
        }
        return first
    }

    /// POSTs until api-ingress answers (a restarted one moves to a new port); returns the job id.
    private func post(_ fields: [(String, String)], photo: Data, key: String) async throws -> String {
        let form = MultipartBody(fields: fields, files: [(name: "image", filename: "room.jpg", contentType: "image/jpeg", data: photo)])
        var tries = 0
        return try await eventually("job \(key) to be accepted", timeout: .seconds(300)) {
            tries += 1
            if tries > 1 { retries.withLock { $0 += 1 } }
            var request = URLRequest(url: URL(string: "\(baseURL.withLock { $0 })/v1/videos")!)
            request.httpMethod = "POST"
            request.timeoutInterval = 60
            request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
            request.setValue(form.contentType, forHTTPHeaderField: "Content-Type")
            request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
            guard let (body, response) = try? await URLSession.shared.upload(for: request, from: form.data),
                  let status = (response as? HTTPURLResponse)?.statusCode, status < 500
            else { return nil }
            let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            try #require((200..<300).contains(status), "job \(key): \(status) \(String(decoding: body, as: UTF8.self))")
            return try #require(json?["id"] as? String)
        }
    }
}

/// Job numbers 0..<count, handed to the submitting tasks one at a time.
private final class JobQueue: Sendable {
    private let next = Mutex(0)
    private let count: Int

    init(count: Int) { self.count = count }

    func take() -> Int? {
        next.withLock { value in
            defer { value += 1 }
            return value < count ? value : nil
        }
    }

    var isEmpty: Bool { next.withLock { $0 >= count } }
}

/// Kills services one after another, each right after it handled an event (its inbox grew), and
/// starts it again at once.
private struct Killer {
    let pipeline: Pipeline
    let client: ChaosClient
    var random: SeededGenerator
    var kills: [String: Int] = [:]

    init(pipeline: Pipeline, client: ChaosClient, seed: UInt64) {
        self.pipeline = pipeline
        self.client = client
        random = SeededGenerator(state: seed)
    }

    /// Makes `count` kills, or fewer if every job has ended first.
    mutating func kill(_ count: Int, until allEnded: () throws -> Bool) async throws {
        var order: [String] = []
        for _ in 0..<count {
            guard try !allEnded() else { break }
            if order.isEmpty { order = Pipeline.serviceNames.shuffled(using: &random) }
            let service = order.removeLast()
            let handled = try inboxCount(service)
            // The next event the service handles after this point, plus a random few more.
            let extra = Int(random.next() % 2)
            guard let _ = try? await eventually("\(service) to handle an event", timeout: .seconds(20), {
                try self.inboxCount(service) > handled + extra ? true : nil
            }) else { continue }
            try await pipeline.process(service).crash()
            kills[service, default: 0] += 1
            let process = try pipeline.start(service)
            if service == "api-ingress" {
                let announced = try await process.line(startingWith: "api-ingress listening on port ")
                client.baseURL.withLock { $0 = "http://127.0.0.1:\(announced.split(separator: " ").last!)" }
            }
        }
    }

    private func inboxCount(_ service: String) throws -> Int {
        try pipeline.database(service).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") ?? 0 }
    }
}

/// A client's webhook receiver that answers every third attempt with a 500.
private final class FlakyReceiver: Sendable {
    struct Attempt: Sendable {
        let body: [UInt8]
        let answered: Bool
    }
    private let received = Mutex<[String: [Attempt]]>([:])
    let failed = Mutex(0)

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ in
            let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            let job = ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]).flatMap { ($0["data"] as? [String: Any])?["id"] as? String } ?? ""
            let answered = self.received.withLock { received in
                let total = received.values.reduce(0) { $0 + $1.count }
                let answered = total % 3 != 2
                received[job, default: []].append(Attempt(body: body, answered: answered))
                return answered
            }
            if !answered { self.failed.withLock { $0 += 1 } }
            return Response(status: answered ? .noContent : .internalServerError)
        }
        return router
    }

    func attempts(for job: String) -> [Attempt] {
        received.withLock { $0[job] ?? [] }
    }
}
