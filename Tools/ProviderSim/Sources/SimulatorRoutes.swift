import Foundation
import Hummingbird
import Media
import EventContracts
import Signing

/// The simulator's HTTP API: each provider's documented paths and shapes, plus `/files` for outputs
/// and `/_sim` to set faults and read what was asked.
struct SimulatorRoutes: Sendable {
    let simulator: ProviderSimulator

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Replicate
        router.post("/v1/models/:owner/:name/predictions") { request, context in
            try await replicateCreate(request, model: "\(context.parameters.get("owner") ?? "")/\(context.parameters.get("name") ?? "")")
        }
        taskRoute(router, .get, "/v1/predictions/:id", .replicate, status)
        taskRoute(router, .post, "/v1/predictions/:id/cancel", .replicate, cancel)
        router.get("/v1/webhooks/default/secret") { request, _ in
            try await authorized(request, .replicate) ?? json(["key": simulator.configuration.webhookSecret])
        }
        // Kling
        router.post("/v1/videos/:kind") { request, context in try await klingCreate(request, kind: context.parameters.get("kind") ?? "") }
        taskRoute(router, .get, "/v1/videos/:kind/:id", .kling, status)
        // Veo (Gemini API)
        router.post("/v1beta/models/:model") { request, context in try await veoCreate(request, action: context.parameters.get("model") ?? "") }
        taskRoute(router, .get, "/v1beta/models/:model/operations/:id", .veo, status)
        router.get("/v1beta/files/:id") { request, context in
            try await authorized(request, .veo) ?? output(String((context.parameters.get("id") ?? "").split(separator: ":").first ?? ""))
        }
        // Luma
        router.post("/dream-machine/v1/generations") { request, _ in try await lumaCreate(request) }
        taskRoute(router, .get, "/dream-machine/v1/generations/:id", .luma, status)
        taskRoute(router, .delete, "/dream-machine/v1/generations/:id", .luma, cancel)
        // Runway
        router.post("/v1/image_to_video") { request, _ in try await runwayCreate(request) }
        taskRoute(router, .get, "/v1/tasks/:id", .runway, status)
        taskRoute(router, .delete, "/v1/tasks/:id", .runway, cancel)
        // Outputs and control
        router.get("/files/:name") { _, context in
            output(String((context.parameters.get("name") ?? "").split(separator: ".").first ?? ""))
        }
        router.put("/_sim/faults") { request, _ in
            let faults = try JSONDecoder().decode(SimulatorFaults.self, from: Data(try await request.body.collect(upTo: 1 << 16).readableBytesView))
            simulator.setFaults(faults)
            return json(["ok": true])
        }
        router.get("/_sim/stats") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder().encode(simulator.stats)) ?? Data())))
        }
        return router
    }

    /// A route about the task named by `:id`: the API's credentials check, then `answer`.
    private func taskRoute(_ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: String, _ api: SimulatedAPI,
                           _ answer: @escaping @Sendable (String, SimulatedAPI) -> Response) {
        router.on(RouterPath(path), method: method) { request, context in
            try await authorized(request, api) ?? answer(context.parameters.get("id") ?? "", api)
        }
    }

    // MARK: creates

    private func replicateCreate(_ request: Request, model: String) async throws -> Response {
        if let refused = try await refusal(request, .replicate) { return refused }
        let body = try await object(request)
        let input = body["input"] as? [String: Any] ?? [:]
        let image = (input["image"] ?? input["start_image"]) as? String
        let id = Self.newID()
        let photo = try photo(dataURI: image, id: id)
        // As on Replicate: Wan's video takes the photo's shape (landscape or portrait, 5 s at 720p
        // whatever is asked); Kling's ignores aspect_ratio when given a start_image.
        var ratio = input["aspect_ratio"] as? String ?? "16:9"
        var seconds = Self.number(input["duration"]) ?? 5
        if model.contains("wan-") {
            ratio = Self.photoShape(photo, among: [.landscape, .portrait]) ?? "16:9"
            seconds = 5
        } else if model.hasPrefix("kwaivgi/"), input["start_image"] != nil {
            ratio = Self.photoShape(photo) ?? ratio
        }
        let task = SimulatedTask(id: id, api: .replicate, kind: "", photo: photo,
                                 durationSeconds: seconds, aspectRatio: ratio,
                                 prompt: input["prompt"] as? String ?? "", callbackURL: body["webhook"] as? String)
        simulator.enqueue(task)
        return json(Self.replicatePrediction(task, baseURL: simulator.listeningURL), status: .created)
    }

    private func klingCreate(_ request: Request, kind: String) async throws -> Response {
        guard kind == "image2video" || kind == "text2video" else { return json(["code": 1201, "message": "unknown endpoint"], status: .notFound) }
        if let refused = try await refusal(request, .kling) { return refused }
        let body = try await object(request)
        let id = Self.newID()
        var photo: URL?
        if let base64 = body["image"] as? String {
            guard let data = Data(base64Encoded: base64) else { return json(["code": 1201, "message": "image is not base64"], status: .badRequest) }
            photo = try save(data, id: id)
        }
        // As Kling's image2video does, the video takes the shape of the image (the nearest of its
        // three ratios); only text2video reads aspect_ratio.
        let ratio = kind == "image2video" ? Self.photoShape(photo) ?? "16:9" : body["aspect_ratio"] as? String ?? "16:9"
        let task = SimulatedTask(id: id, api: .kling, kind: kind, photo: photo, durationSeconds: Double(body["duration"] as? String ?? "5") ?? 5,
                                 aspectRatio: ratio, prompt: body["prompt"] as? String ?? "",
                                 callbackURL: body["callback_url"] as? String)
        simulator.enqueue(task)
        return json(["code": 0, "message": "SUCCEED", "request_id": UUID().uuidString,
                     "data": ["task_id": id, "task_status": "submitted", "created_at": Self.milliseconds(task.createdAt)]])
    }

    private func veoCreate(_ request: Request, action: String) async throws -> Response {
        guard action.hasSuffix(":predictLongRunning") else { return json(["error": ["code": 404, "message": "unknown method"]], status: .notFound) }
        if let refused = try await refusal(request, .veo) { return refused }
        let body = try await object(request)
        let instance = (body["instances"] as? [[String: Any]])?.first ?? [:]
        let parameters = body["parameters"] as? [String: Any] ?? [:]
        let id = Self.newID()
        var photo: URL?
        if let image = instance["image"] as? [String: Any], let base64 = image["bytesBase64Encoded"] as? String, let data = Data(base64Encoded: base64) {
            photo = try save(data, id: id)
        }
        let model = String(action.dropLast(":predictLongRunning".count))
        let task = SimulatedTask(id: id, api: .veo, kind: model, photo: photo, durationSeconds: Self.number(parameters["durationSeconds"]) ?? 8,
                                 aspectRatio: parameters["aspectRatio"] as? String ?? "16:9", prompt: instance["prompt"] as? String ?? "")
        simulator.enqueue(task)
        return json(["name": "models/\(model)/operations/\(id)"])
    }

    private func lumaCreate(_ request: Request) async throws -> Response {
        if let refused = try await refusal(request, .luma) { return refused }
        let body = try await object(request)
        let frame0 = ((body["keyframes"] as? [String: Any])?["frame0"] as? [String: Any])?["url"] as? String
        let id = UUID().uuidString.lowercased()
        // Luma fetches keyframe images from their URLs; an image it cannot fetch refuses the request.
        var photo: URL?
        if let frame0 {
            guard let fetched = await fetchedPhoto(frame0, id: id) else {
                return json(["detail": "could not download the keyframe image at \(frame0)"], status: .badRequest)
            }
            photo = fetched
        }
        let task = SimulatedTask(id: id, api: .luma, kind: "", photo: photo,
                                 durationSeconds: Double((body["duration"] as? String ?? "5s").dropLast()) ?? 5,
                                 aspectRatio: body["aspect_ratio"] as? String ?? "16:9", prompt: body["prompt"] as? String ?? "",
                                 callbackURL: body["callback_url"] as? String)
        simulator.enqueue(task)
        return json(Self.lumaGeneration(task, baseURL: simulator.listeningURL), status: .created)
    }

    private func runwayCreate(_ request: Request) async throws -> Response {
        if let refused = try await refusal(request, .runway) { return refused }
        guard request.headers[.init("X-Runway-Version")!] != nil else {
            return json(["error": "You must specify the X-Runway-Version header"], status: .badRequest)
        }
        let body = try await object(request)
        guard let image = body["promptImage"] as? String else { return json(["error": "promptImage is required"], status: .badRequest) }
        let id = UUID().uuidString.lowercased()
        let ratio = body["ratio"] as? String ?? "1280:720"
        let aspect = ratio == "720:1280" ? "9:16" : ratio == "960:960" ? "1:1" : "16:9"
        let task = SimulatedTask(id: id, api: .runway, kind: "", photo: try photo(dataURI: image, id: id),
                                 durationSeconds: Self.number(body["duration"]) ?? 5, aspectRatio: aspect, prompt: body["promptText"] as? String ?? "")
        simulator.enqueue(task)
        return json(["id": id])
    }

    /// The ratio among `ratios` nearest the shape of the photo at `file` (upright), as a provider
    /// whose video follows its input picks it; nil without a readable photo.
    static func photoShape(_ file: URL?, among ratios: [AspectRatio] = AspectRatio.allCases) -> String? {
        guard let file, let data = try? Data(contentsOf: file), let header = ImageHeader.read(Array(data)) else { return nil }
        let size = header.uprightSize
        return AspectRatio.nearest(width: size.width, height: size.height, among: ratios).rawValue
    }

    // MARK: reads

    private func status(_ id: String, _ api: SimulatedAPI) -> Response {
        simulator.countStatusRead(api)
        guard let task = simulator.task(id), task.api == api else { return json(["error": "not found", "detail": "Not found."], status: .notFound) }
        let base = simulator.listeningURL
        switch api {
        case .replicate: return json(Self.replicatePrediction(task, baseURL: base))
        case .kling: return json(["code": 0, "message": "SUCCEED", "request_id": UUID().uuidString, "data": Self.klingTask(task, baseURL: base)])
        case .veo: return json(Self.veoOperation(task, baseURL: base))
        case .luma: return json(Self.lumaGeneration(task, baseURL: base))
        case .runway: return json(Self.runwayTask(task, baseURL: base))
        }
    }

    private func cancel(_ id: String, _ api: SimulatedAPI) -> Response {
        simulator.state.withLock { state in
            if var task = state.tasks[id], !task.isFinished {
                task.state = .failed("canceled")
                state.tasks[id] = task
            }
        }
        return json(["ok": true])
    }

    private func output(_ id: String) -> Response {
        let file = simulator.outputFile(id)
        let lifetime = simulator.state.withLock { $0.faults.outputLifetimeMilliseconds }
        let task = simulator.task(id)
        let expired = lifetime.map { ms in Date().timeIntervalSince(task?.finishedAt ?? .distantPast) * 1000 >= Double(ms) } ?? false
        guard task?.state == .succeeded, !expired, let data = try? Data(contentsOf: file) else {
            simulator.state.withLock { $0.stats.outputReads["404", default: 0] += 1 }
            return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "expired or unknown")))
        }
        simulator.state.withLock { $0.stats.outputReads["200", default: 0] += 1 }
        return Response(status: .ok, headers: [.contentType: "video/mp4"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: shapes

    static func outputURL(_ task: SimulatedTask, baseURL: URL) -> String? {
        guard task.state == .succeeded, task.hasOutput else { return nil }
        return task.api == .veo ? "\(baseURL.absoluteString)/v1beta/files/\(task.id):download?alt=media" : "\(baseURL.absoluteString)/files/\(task.id).mp4"
    }

    static func failure(_ task: SimulatedTask) -> String? {
        if case .failed(let message) = task.state { return message }
        return nil
    }

    static func replicatePrediction(_ task: SimulatedTask, baseURL: URL) -> [String: Any] {
        ["id": task.id, "status": task.statusWord, "output": outputURL(task, baseURL: baseURL).map { $0 as Any } ?? NSNull(),
         "error": failure(task).map { $0 as Any } ?? NSNull(), "created_at": ISO8601DateFormatter().string(from: task.createdAt),
         "urls": ["get": "\(baseURL.absoluteString)/v1/predictions/\(task.id)", "cancel": "\(baseURL.absoluteString)/v1/predictions/\(task.id)/cancel"]]
    }

    static func klingTask(_ task: SimulatedTask, baseURL: URL) -> [String: Any] {
        var result: [String: Any] = ["task_id": task.id, "task_status": task.statusWord, "created_at": milliseconds(task.createdAt),
                                     "updated_at": milliseconds(task.finishedAt ?? task.createdAt)]
        if let message = failure(task) { result["task_status_msg"] = message.contains("sensitive") ? "Failure to pass the risk control system" : message }
        if task.state == .succeeded {
            result["task_result"] = ["videos": outputURL(task, baseURL: baseURL).map { [["id": task.id, "url": $0, "duration": "\(Int(task.durationSeconds))"]] } ?? []]
        }
        return result
    }

    static func veoOperation(_ task: SimulatedTask, baseURL: URL) -> [String: Any] {
        var operation: [String: Any] = ["name": "models/\(task.kind)/operations/\(task.id)"]
        guard task.isFinished else { return operation }
        operation["done"] = true
        if let message = failure(task), !message.contains("sensitive") {
            operation["error"] = ["code": 13, "message": message]
        } else if let url = outputURL(task, baseURL: baseURL) {
            operation["response"] = ["@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
                                     "generateVideoResponse": ["generatedSamples": [["video": ["uri": url]]]]]
        } else {
            // Done with no video: what the safety filter leaves.
            operation["response"] = ["generateVideoResponse": ["raiMediaFilteredCount": 1,
                                                               "raiMediaFilteredReasons": ["The video was filtered by the safety filter"]]]
        }
        return operation
    }

    static func lumaGeneration(_ task: SimulatedTask, baseURL: URL) -> [String: Any] {
        ["id": task.id, "state": task.statusWord, "failure_reason": failure(task).map { $0 as Any } ?? NSNull(),
         "assets": ["video": outputURL(task, baseURL: baseURL).map { $0 as Any } ?? NSNull()], "created_at": ISO8601DateFormatter().string(from: task.createdAt)]
    }

    static func runwayTask(_ task: SimulatedTask, baseURL: URL) -> [String: Any] {
        var result: [String: Any] = ["id": task.id, "status": task.statusWord, "createdAt": ISO8601DateFormatter().string(from: task.createdAt)]
        if task.state == .running { result["progress"] = task.progress ?? 0 }
        if let url = outputURL(task, baseURL: baseURL) { result["output"] = [url] }
        if let message = failure(task) {
            result["failure"] = message
            if message.contains("sensitive") { result["failureCode"] = "SAFETY.INPUT.IMAGE" }
        }
        return result
    }

    /// The body of a task's callback: the provider's own object for it.
    static func callbackBody(_ task: SimulatedTask, baseURL: URL) -> Data {
        let object: [String: Any] = switch task.api {
        case .replicate: replicatePrediction(task, baseURL: baseURL)
        case .kling: klingTask(task, baseURL: baseURL)
        case .luma: lumaGeneration(task, baseURL: baseURL)
        case .veo: veoOperation(task, baseURL: baseURL)
        case .runway: runwayTask(task, baseURL: baseURL)
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    // MARK: helpers

    /// Each API's credentials check: a bearer token (Kling's must be a valid JWT under the secret
    /// key), Veo's `x-goog-api-key`; nil when the call may go on.
    private func authorized(_ request: Request, _ api: SimulatedAPI) async throws -> Response? {
        let rejectAll = simulator.state.withLock { $0.faults.rejectCredentials }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let valid: Bool = switch api {
        case .veo: request.headers[.init("x-goog-api-key")!].map { !$0.isEmpty } ?? false
        case .kling: await validKlingToken(bearer)
        default: bearer.map { !$0.isEmpty } ?? false
        }
        guard rejectAll || !valid else { return nil }
        return switch api {
        case .kling: json(["code": 1002, "message": "Authorization is invalid"], status: .unauthorized)
        case .veo: json(["error": ["code": 403, "message": "API key not valid", "status": "PERMISSION_DENIED"]], status: .forbidden)
        default: json(["detail": "Unauthenticated", "title": "Unauthenticated"], status: .unauthorized)
        }
    }

    private func validKlingToken(_ bearer: String?) async -> Bool {
        guard let bearer else { return false }
        return (try? await HS256Tokens(secret: simulator.configuration.klingSecretKey).verify(bearer, as: KlingClaims.self)) != nil
    }

    /// Credentials first, then the create faults.
    private func refusal(_ request: Request, _ api: SimulatedAPI) async throws -> Response? {
        if let unauthorized = try await authorized(request, api) {
            simulator.state.withLock { $0.stats.creates[api.rawValue, default: 0] += 1 }
            return unauthorized
        }
        switch simulator.state.withLock({ $0.admitCreate(api: api) }) {
        case nil: return nil
        case .unauthorized?: return try await authorized(request, api)
        case .rateLimited?:
            var response = json(api == .kling ? ["code": 1302, "message": "rate limit exceeded"] : ["detail": "Request was throttled."],
                                status: .tooManyRequests)
            response.headers[.retryAfter] = "1"
            return response
        case .serverError?:
            return json(api == .kling ? ["code": 5000, "message": "server internal error"] : ["detail": "Service unavailable"],
                        status: .serviceUnavailable)
        }
    }

    private func object(_ request: Request) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: 64 << 20)
        return (try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    private func photo(dataURI: String?, id: String) throws -> URL? {
        guard let dataURI, let comma = dataURI.firstIndex(of: ","), dataURI.hasPrefix("data:"),
              let data = Data(base64Encoded: String(dataURI[dataURI.index(after: comma)...])) else { return nil }
        return try save(data, id: id)
    }

    /// The image at an http(s) URL, saved; nil for anything else or a failed download.
    private func fetchedPhoto(_ address: String, id: String) async -> URL? {
        guard let url = URL(string: address), url.scheme == "http" || url.scheme == "https",
              let answer = try? await simulator.http.send("GET", url), answer.status == 200, !answer.body.isEmpty else { return nil }
        return try? save(answer.body, id: id)
    }

    private func save(_ data: Data, id: String) throws -> URL {
        let file = simulator.configuration.workDirectory.appendingPathComponent("input-\(id)")
        try data.write(to: file)
        return file
    }

    private static func newID() -> String {
        String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(26))
    }

    private static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue ?? (value as? String).flatMap(Double.init)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    private func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
