import EventContracts
import Foundation
import Hummingbird
import ModelCatalog
@testable import ProviderBridge
import Signing
import Synchronization
import Testing
import TestSupport

/// What a loopback stand-in for a provider received.
final class CapturedRequests: Sendable {
    struct Captured: Sendable {
        var method: String
        var path: String
        /// Header fields by lower-cased name.
        var headers: [String: String]
        var json: [String: any Sendable]
    }

    let requests = Mutex<[Captured]>([])

    var last: Captured? { requests.withLock { $0.last } }

    /// A router that records every request and answers with `answer(path)`.
    func router(answer: @escaping @Sendable (String) -> (status: HTTPResponse.Status, headers: [(String, String)], body: String)) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.on("**", method: .post, use: { request, _ in try await self.record(request, answer: answer) })
        router.on("**", method: .get, use: { request, _ in try await self.record(request, answer: answer) })
        return router
    }

    private func record(_ request: Request, answer: @Sendable (String) -> (status: HTTPResponse.Status, headers: [(String, String)], body: String)) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let captured = Captured(method: "\(request.method)", path: request.uri.path, headers: headers,
                                json: json.mapValues { "\($0)" as any Sendable }.merging(Self.flatten(json)) { $1 })
        requests.withLock { $0.append(captured) }
        let reply = answer(request.uri.path)
        var response = Response(status: reply.status, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        for (name, value) in reply.headers { response.headers[.init(name)!] = value }
        return response
    }

    /// Nested JSON as dotted paths (`input.image`, `instances.0.image.mimeType`) with string values.
    static func flatten(_ value: Any, prefix: String = "") -> [String: any Sendable] {
        var flat: [String: any Sendable] = [:]
        if let object = value as? [String: Any] {
            for (key, inner) in object { flat.merge(flatten(inner, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")) { $1 } }
        } else if let array = value as? [Any] {
            for (index, inner) in array.enumerated() { flat.merge(flatten(inner, prefix: "\(prefix).\(index)")) { $1 } }
        } else if !prefix.isEmpty {
            flat[prefix] = "\(value)"
        }
        return flat
    }
}

@Suite("Provider clients: the documented request shapes and error mapping")
struct ProviderClientTests {
    static let photo = ProviderImage(data: Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), mimeType: "image/jpeg",
                                     url: URL(string: "https://bridge.example.com/inputs/job-1/0/token")!)

    static func job(images: [ProviderImage] = [photo], model: String, callback: URL? = URL(string: "https://hooks.example.com/cb")) -> ProviderJob {
        ProviderJob(jobID: "job-1", providerModelID: model, prompt: "A bright room", images: images, aspectRatio: .landscape,
                    durationSeconds: 5, callbackURL: callback)
    }

    private func withProvider(_ body: String, status: HTTPResponse.Status = .ok, headers: [(String, String)] = [],
                              _ run: @Sendable (URL, CapturedRequests) async throws -> Void) async throws {
        let captured = CapturedRequests()
        try await withLoopbackServer(captured.router { _ in (status, headers, body) }) { port in
            try await run(URL(string: "http://127.0.0.1:\(port)")!, captured)
        }
    }

    @Test("Replicate: the model's predictions endpoint, a bearer token, the photo as a data URI, a completed-only webhook")
    func replicate() async throws {
        try await withProvider(#"{"id":"p-1","status":"starting"}"#) { base, captured in
            let id = try await ReplicateProvider(baseURL: base, token: "r8_x").submit(Self.job(model: "kwaivgi/kling-v1.6-pro"))
            #expect(id == "p-1")
            let request = try #require(captured.last)
            #expect(request.path == "/v1/models/kwaivgi/kling-v1.6-pro/predictions")
            #expect(request.headers["authorization"] == "Bearer r8_x")
            #expect(request.json["input.start_image"] as? String == Self.photo.dataURI, "Kling on Replicate takes start_image")
            #expect(request.json["input.duration"] as? String == "5")
            #expect(request.json["webhook"] as? String == "https://hooks.example.com/cb")
            #expect(request.json["webhook_events_filter.0"] as? String == "completed")
        }
    }

    @Test("Kling: a JWT from the access and secret keys (iss, exp, nbf), external_task_id, base64 without a prefix")
    func kling() async throws {
        try await withProvider(#"{"code":0,"message":"SUCCEED","data":{"task_id":"t-9","task_status":"submitted"}}"#) { base, captured in
            let id = try await KlingProvider(baseURL: base, accessKey: "ak", secretKey: "kling-secret-key-of-32-bytes-or-more").submit(Self.job(model: "kling-v2-6"))
            #expect(id == "image2video/t-9")
            let request = try #require(captured.last)
            #expect(request.path == "/v1/videos/image2video")
            let token = try #require(request.headers["authorization"]?.dropFirst("Bearer ".count))
            let claims = try await HS256Tokens(secret: "kling-secret-key-of-32-bytes-or-more").verify(String(token), as: KlingClaims.self)
            let now = Date()
            #expect(claims.issuer.value == "ak")
            #expect(abs(claims.expiration.value.timeIntervalSince(now) - 1800) < 5)
            #expect(claims.notBefore.value <= now)
            #expect(request.json["external_task_id"] as? String == "job-1")
            #expect(request.json["duration"] as? String == "5")
            #expect(request.json["image"] as? String == Self.photo.data.base64EncodedString())
            #expect(request.json["callback_url"] as? String == "https://hooks.example.com/cb")
        }
    }

    @Test("Veo: predictLongRunning with x-goog-api-key and inline base64; done with no video is a moderation refusal")
    func veo() async throws {
        try await withProvider(#"{"name":"models/veo-3.0-generate-001/operations/op-1"}"#) { base, captured in
            let id = try await VeoProvider(baseURL: base, apiKey: "gk").submit(Self.job(model: "veo-3.0-generate-001", callback: nil))
            #expect(id == "models/veo-3.0-generate-001/operations/op-1")
            let request = try #require(captured.last)
            #expect(request.path == "/v1beta/models/veo-3.0-generate-001:predictLongRunning")
            #expect(request.headers["x-goog-api-key"] == "gk")
            #expect(request.json["instances.0.image.bytesBase64Encoded"] as? String == Self.photo.data.base64EncodedString())
            #expect(request.json["parameters.aspectRatio"] as? String == "16:9")
        }
        let filtered = try JSONDecoder().decode(VeoProvider.Operation.self, from: Data(
            #"{"name":"op","done":true,"response":{"generateVideoResponse":{"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["unsafe"]}}}"#.utf8))
        guard case .failed(let error) = filtered.progress else { Issue.record("expected a failure"); return }
        #expect(error.code == .contentRejected)
    }

    @Test("Runway: X-Runway-Version, the ratio as pixels, the photo as a data URI")
    func runway() async throws {
        try await withProvider(#"{"id":"r-1"}"#) { base, captured in
            let id = try await RunwayProvider(baseURL: base, secret: "rs").submit(Self.job(model: "gen4_turbo", callback: nil))
            #expect(id == "r-1")
            let request = try #require(captured.last)
            #expect(request.path == "/v1/image_to_video")
            #expect(request.headers["x-runway-version"] == RunwayProvider.apiVersion)
            #expect(request.json["ratio"] as? String == "1280:720")
            #expect(request.json["promptImage"] as? String == Self.photo.dataURI)
        }
    }

    @Test("Luma: the photo's URL as keyframe frame0 (Luma fetches it), the duration as \"5s\", callback_url")
    func luma() async throws {
        try await withProvider(#"{"id":"l-1","state":"queued"}"#, status: .created) { base, captured in
            let id = try await LumaProvider(baseURL: base, apiKey: "lk").submit(Self.job(model: "ray-3"))
            #expect(id == "l-1")
            let request = try #require(captured.last)
            #expect(request.json["keyframes.frame0.url"] as? String == "https://bridge.example.com/inputs/job-1/0/token")
            #expect(request.json["duration"] as? String == "5s")
            #expect(request.json["callback_url"] as? String == "https://hooks.example.com/cb")
        }
    }

    @Test("answers map to errors: 429 keeps Retry-After, 5xx is retryable, 401 is an auth failure, moderation is CONTENT_REJECTED",
          arguments: [
              (429, [("Retry-After", "7")], #"{"detail":"throttled"}"#, ProviderCallError.rateLimited(retryAfter: 7, message: "")),
              (503, [], #"{"detail":"down"}"#, .unavailable("")),
              (401, [], #"{"detail":"Unauthenticated"}"#, .authFailed("")),
              (422, [], #"{"detail":"The input was flagged as sensitive"}"#, .rejected(RoomReelError(.contentRejected, ""))),
              (422, [], #"{"detail":"duration must be 5 or 10"}"#, .rejected(RoomReelError(.generationFailed, ""))),
          ])
    func errorMapping(status: Int, headers: [(String, String)], body: String, expected: ProviderCallError) async throws {
        try await withProvider(body, status: .init(code: status), headers: headers) { base, _ in
            let provider = ReplicateProvider(baseURL: base, token: "t")
            do throws(ProviderCallError) {
                _ = try await provider.submit(Self.job(model: "a/b"))
                Issue.record("expected \(expected)")
            } catch {
                #expect(Self.kind(error) == Self.kind(expected), "\(error)")
                if case .rateLimited(let after, _) = error { #expect(after == 7) }
            }
        }
    }

    @Test("Kling's error codes: 1301 content, 1302 rate limit, 1002 auth, 5000 server")
    func klingCodes() {
        #expect(Self.kind(KlingProvider.error(code: 1301, message: "risk", retryAfter: nil)) == "rejected CONTENT_REJECTED")
        #expect(Self.kind(KlingProvider.error(code: 1302, message: "rate", retryAfter: 2)) == "rateLimited")
        #expect(Self.kind(KlingProvider.error(code: 1002, message: "auth", retryAfter: nil)) == "authFailed")
        #expect(Self.kind(KlingProvider.error(code: 5000, message: "boom", retryAfter: nil)) == "unavailable")
    }

    @Test("backoff honours Retry-After; polls double up to twelve times the interval")
    func scheduling() throws {
        let rules = SchedulingRules(catalog: try ModelCatalog.bundled(), defaultTimeLimit: .seconds(600), reconcileAfter: nil,
                                    pollInterval: .seconds(5), submitAttempts: 5, retryBaseDelay: .seconds(1))
        #expect(rules.submitBackoff(afterAttempt: 1, retryAfter: 30) == 30)
        #expect(rules.submitBackoff(afterAttempt: 3, retryAfter: nil) == 4)
        #expect(rules.pollDelay(afterChecks: 0) == 5)
        #expect(rules.pollDelay(afterChecks: 2) == 20)
        #expect(rules.pollDelay(afterChecks: 9) == 60)
        #expect(rules.reconcileInterval(modelID: "wan2.1-i2v-720p") == 225)
        let start = Date(timeIntervalSince1970: 0)
        #expect(rules.deadline(modelID: "kling-1.6-pro", from: start) == Date(timeIntervalSince1970: 900), "the model's own limit")
        #expect(rules.deadline(modelID: "veo3", from: start) == Date(timeIntervalSince1970: 600), "the default")
    }

    @Test("the prompt carries the client's words, then the video type's and the style's")
    func promptFolding() {
        let spec = VideoJobSpec(jobID: "j", workspaceID: "w", videoType: .walkthrough, model: nil, cameraMotion: nil,
                                prompt: "  sunlit loft  ", style: .midCenturyModern, aspectRatio: .landscape, durationSeconds: 5)
        let text = ProviderPrompt.text(for: spec)
        #expect(text.hasPrefix("sunlit loft. "))
        #expect(text.contains("walkthrough"))
        #expect(text.hasSuffix("Mid-Century Modern interior design style"))
        var bare = spec
        bare.prompt = nil
        bare.style = nil
        bare.videoType = .cameraMotion
        bare.cameraMotion = .zoomIn
        #expect(ProviderPrompt.text(for: bare) == "Camera move: zoom in")
    }

    static func kind(_ error: ProviderCallError) -> String {
        switch error {
        case .rateLimited: "rateLimited"
        case .unavailable: "unavailable"
        case .authFailed: "authFailed"
        case .rejected(let error): "rejected \(error.code)"
        case .unknownTask: "unknownTask"
        }
    }
}
