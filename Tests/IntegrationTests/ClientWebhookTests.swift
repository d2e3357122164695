import Foundation
import GRDB
import Hummingbird
import Signing
import Synchronization
import Testing
import TestSupport

/// A client's webhook receiver on loopback: records every request; `/hook` fails its first two
/// messages' first attempts with a 500, `/redirect` answers 302 to `/hook`.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let path: String
        let headers: [String: String]
        let body: [UInt8]
    }
    let received = Mutex<[Delivery]>([])
    let failuresLeft = Mutex(2)

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook") { request, _ in
            try await self.record("/hook", request)
            let fail = self.failuresLeft.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            return Response(status: fail ? .internalServerError : .noContent)
        }
        router.post("/redirect") { request, _ in
            try await self.record("/redirect", request)
            return Response(status: .found, headers: [.location: "/hook"])
        }
        return router
    }

    private func record(_ path: String, _ request: Request) async throws {
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        received.withLock { $0.append(Delivery(path: path, headers: headers, body: Array(buffer: body))) }
    }

    func deliveries(for webhookID: String) -> [Delivery] {
        received.withLock { $0.filter { $0.headers["webhook-id"] == webhookID } }
    }
}

@Suite("Client webhooks, JWTs, isolation and operations endpoints", .serialized)
struct ClientWebhookTests {
    @Test("a finished job is POSTed to its webhook_url, signed the Standard Webhooks way (checked by Python's hmac), retried after 5xx, never redirected; attempts are readable; refused URLs are 400")
    func signedRetriedWebhooks() async throws {
        let receiver = WebhookReceiver()
        try await withLoopbackServer(receiver.router) { port in
            try await Pipeline.with(environment: ["INGRESS_FETCH_ALLOW": "127.0.0.1/32", "INGRESS_WEBHOOK_RETRY_SCALE": "0.001"]) { pipeline in
                // URLs RoomReel will not call are refused before any job exists.
                for url in ["http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://localhost:\(port)/hook", "ftp://example.com/hook",
                            "http://[::1]:\(port)/hook", "http://127.0.0.2:\(port)/hook", "https://user:pass@example.com/hook", "not a url"] {
                    let reply = try await pipeline.postJSON("/v1/videos", try PublicAPITests.photoJSON(extra: #","webhook_url":"\#(url)""#),
                                                            bearer: pipeline.apiKey)
                    #expect(reply.status == 400 && reply.errorCode == "WEBHOOK_URL_REFUSED", "\(url): \(reply.json)")
                }
                #expect(try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") } == 0)

                let hook = "http://127.0.0.1:\(port)/hook"
                let accepted = try await pipeline.postJSON("/v1/videos", try PublicAPITests.photoJSON(extra: #","webhook_url":"\#(hook)""#),
                                                           bearer: pipeline.apiKey)
                let id = try #require(accepted.json["id"] as? String)
                let webhookID = "msg_\(id)"
                let deliveries = try await eventually("three attempts at the webhook") {
                    let deliveries = receiver.deliveries(for: webhookID)
                    return deliveries.count >= 3 ? deliveries : nil
                }
                // One message, three attempts: same id and body each time, each freshly signed.
                #expect(deliveries.allSatisfy { $0.path == "/hook" && $0.body == deliveries[0].body })
                let message = try #require(try JSONSerialization.jsonObject(with: Data(deliveries[0].body)) as? [String: Any])
                #expect(message["type"] as? String == "video.completed")
                let data = try #require(message["data"] as? [String: Any])
                #expect(data["id"] as? String == id && data["status"] as? String == "completed" && data["video_url"] is String)

                let secretReply = try await pipeline.get("/v1/workspaces/\(Pipeline.workspace)/webhook-secret")
                let secret = try #require(secretReply.json["secret"] as? String)
                #expect(secret.hasPrefix("whsec_"))
                let checkScript = """
                import base64, hashlib, hmac, sys
                secret, msg_id, timestamp, signature, path = sys.argv[1:6]
                body = open(path, 'rb').read()
                key = base64.b64decode(secret[len('whsec_'):])
                mac = base64.b64encode(hmac.new(key, msg_id.encode() + b'.' + timestamp.encode() + b'.' + body, hashlib.sha256).digest()).decode()
                print('valid' if any(s == 'v1,' + mac for s in signature.split(' ')) else 'invalid')
                """
                let bodyFile = pipeline.directory.url.appendingPathComponent("webhook-body.json")
                for delivery in deliveries {
                    try Data(delivery.body).write(to: bodyFile)
                    let timestamp = try #require(delivery.headers["webhook-timestamp"])
                    let signature = try #require(delivery.headers["webhook-signature"])
                    #expect(delivery.headers["content-type"] == "application/json")
                    #expect(abs(Double(timestamp)! - Date().timeIntervalSince1970) < 300)
                    let check = try runTool("python3", ["-c", checkScript, secret, webhookID, timestamp, signature, bodyFile.path])
                    #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "valid", "\(check.output)")
                    // Our own verifier agrees, and refuses the body altered by one byte.
                    let verifier = try #require(StandardWebhookSignature(secret: secret))
                    try verifier.verify(id: webhookID, timestamp: timestamp, signatures: signature, body: delivery.body)
                    var altered = delivery.body
                    altered[altered.count / 2] ^= 1
                    #expect(throws: StandardWebhookSignature.Rejection.noValidSignature) {
                        try verifier.verify(id: webhookID, timestamp: timestamp, signatures: signature, body: altered)
                    }
                }
                let record = try await eventually("the delivery recorded as delivered") {
                    let reply = try await pipeline.get("/v1/videos/\(id)/webhook-deliveries")
                    let first = (reply.json["data"] as? [[String: Any]])?.first
                    return first?["state"] as? String == "delivered" ? first : nil
                }
                #expect(record["attempt_count"] as? Int == 3 && record["id"] as? String == webhookID)
                let attempts = try #require(record["attempts"] as? [[String: Any]])
                #expect(attempts.compactMap { $0["status_code"] as? Int } == [500, 500, 204], "\(attempts)")
                #expect(attempts.compactMap { $0["number"] as? Int } == [1, 2, 3])

                // A redirect is a failed attempt, never followed.
                let redirected = try await pipeline.postJSON(
                    "/v1/videos", try PublicAPITests.photoJSON(extra: #","webhook_url":"http://127.0.0.1:\#(port)/redirect""#), bearer: pipeline.apiKey)
                let redirectedID = try #require(redirected.json["id"] as? String)
                let redirectAttempts = try await eventually("two attempts at the redirecting URL") {
                    let reply = try await pipeline.get("/v1/videos/\(redirectedID)/webhook-deliveries")
                    let attempts = (reply.json["data"] as? [[String: Any]])?.first?["attempts"] as? [[String: Any]] ?? []
                    return attempts.count >= 2 ? attempts : nil
                }
                #expect(redirectAttempts.allSatisfy { $0["status_code"] as? Int == 302 }, "\(redirectAttempts)")
                #expect(receiver.deliveries(for: "msg_\(redirectedID)").allSatisfy { $0.path == "/redirect" })
                // Another workspace cannot read them.
                let other = try await pipeline.get("/v1/videos/\(id)/webhook-deliveries", key: "rr_not_a_key")
                #expect(other.status == 401)
            }
        }
    }

    @Test("JWTs and admin-made API keys authenticate; another workspace's credential can neither read, list, create for nor see the balance of this one (404); /readyz, /metrics, /openapi.json and /openapi.yaml answer; a wrong method is 405 with Allow")
    func authIsolationAndOperations() async throws {
        try await Pipeline.with(environment: ["INGRESS_JWT_SECRET": PublicAPITests.jwtSecret, "INGRESS_ADMIN_TOKEN": PublicAPITests.adminToken]) { pipeline in
            let jwt = HS256Tokens(secret: PublicAPITests.jwtSecret)
            let now = Int(Date().timeIntervalSince1970)
            let own = try await jwt.workspaceToken(Pipeline.workspace)
            let other = try await jwt.workspaceToken("ws-other")

            let created = try await pipeline.postJSON("/v1/videos", try PublicAPITests.photoJSON(), bearer: own)
            #expect(created.status == 202, "\(created.json)")
            let id = try #require(created.json["id"] as? String)
            #expect(try await pipeline.get("/v1/videos/\(id)", key: own).status == 200)

            // Credentials that are not accepted: 401 UNAUTHORIZED.
            let foreignSecret = try await HS256Tokens(secret: "some-other-secret-that-is-long-enough-000").workspaceToken(Pipeline.workspace)
            let ownParts = own.split(separator: ".")
            for credential in [try await jwt.sign(TestClaims(workspaceID: Pipeline.workspace, exp: now - 120)), foreignSecret,
                               "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.\(ownParts[1]).",
                               try await jwt.sign(TestClaims(exp: now + 300)), try await jwt.sign(TestClaims(workspaceID: Pipeline.workspace)),
                               try await jwt.sign(TestClaims(workspaceID: Pipeline.workspace, exp: now + 300, nbf: now + 200)),
                               "\(ownParts[0]).\(ownParts[1]).AAAA", "rr_unknown_key"] {
                let reply = try await pipeline.get("/v1/videos/\(id)", key: credential)
                #expect(reply.status == 401 && reply.errorCode == "UNAUTHORIZED", "\(credential): \(reply.json)")
            }
            let noCredential = try await pipeline.send("GET", "/v1/videos")
            #expect(noCredential.status == 401 && noCredential.errorCode == "UNAUTHORIZED")

            // Another workspace's JWT and API key: never this workspace's job, list, balance or ledger.
            let keyReply = try await pipeline.postJSON("/v1/admin/workspaces/ws-other/api-keys", "", bearer: PublicAPITests.adminToken)
            #expect(keyReply.status == 201 && keyReply.json["workspace_id"] as? String == "ws-other", "\(keyReply.json)")
            let otherKey = try #require(keyReply.json["key"] as? String)
            for credential in [other, otherKey] {
                let job = try await pipeline.get("/v1/videos/\(id)", key: credential)
                #expect(job.status == 404 && job.errorCode == "NOT_FOUND")
                let list = try await pipeline.get("/v1/videos", key: credential)
                #expect(list.status == 200 && (list.json["data"] as? [Any])?.isEmpty == true)
                for path in ["/v1/workspaces/\(Pipeline.workspace)/balance", "/v1/workspaces/\(Pipeline.workspace)/ledger",
                             "/v1/workspaces/\(Pipeline.workspace)/webhook-secret", "/v1/videos/\(id)/webhook-deliveries"] {
                    let reply = try await pipeline.get(path, key: credential)
                    #expect(reply.status == 404 && reply.errorCode == "NOT_FOUND", "\(path)")
                }
                let charge = try await pipeline.postJSON("/v1/videos", try PublicAPITests.photoJSON(extra: #","workspace_id":"\#(Pipeline.workspace)""#),
                                                         bearer: credential)
                #expect(charge.status == 404 && charge.errorCode == "NOT_FOUND")
            }
            #expect(try await pipeline.database("api-ingress").read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") } == 1)
            // Keys are kept as hashes only.
            let stored = try await pipeline.database("api-ingress").read { db in try String.fetchAll(db, sql: "SELECT key_hash FROM api_keys") }
            #expect(!stored.contains(otherKey) && stored.contains(SHA256Hex.of(otherKey)))
            let refusedKey = try await pipeline.postJSON("/v1/admin/workspaces/ws-other/api-keys", "", bearer: pipeline.apiKey)
            #expect(refusedKey.status == 401)

            let ready = try await pipeline.send("GET", "/readyz")
            #expect(ready.status == 200 && ready.json["ready"] as? Bool == true && ready.json["kafka"] as? Bool == true, "\(ready.json)")
            let metrics = try await pipeline.send("GET", "/metrics")
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(metrics.status == 200 && text.contains("hb_requests") && text.contains("/v1/videos"), "\(text.prefix(400))")
            let openAPI = try await pipeline.send("GET", "/openapi.json")
            #expect(openAPI.status == 200 && openAPI.json["openapi"] as? String == "3.1.0")
            let openAPIYAML = try await pipeline.send("GET", "/openapi.yaml")
            #expect(openAPIYAML.status == 200 && openAPIYAML.headers["content-type"] == "application/yaml"
                    && String(decoding: openAPIYAML.body, as: UTF8.self).hasPrefix("openapi: 3.1.0"))
            // A routed path with a method it does not have: 405 and the methods it has, in the one error shape.
            let wrongMethod = try await pipeline.send("DELETE", "/v1/videos", headers: ["Authorization": "Bearer \(pipeline.apiKey)"])
            #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "METHOD_NOT_ALLOWED" && wrongMethod.headers["allow"] == "GET, POST",
                    "\(wrongMethod.status) \(wrongMethod.headers) \(wrongMethod.json)")
            let unknownPath = try await pipeline.send("DELETE", "/v1/no-such-thing")
            #expect(unknownPath.status == 404 && unknownPath.errorCode == "NOT_FOUND")
        }
    }
}

/// SHA-256 in hex, as api-ingress stores key hashes.
enum SHA256Hex {
    static func of(_ text: String) -> String {
        let output = try? runTool("python3", ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", text])
        return output?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }
}
