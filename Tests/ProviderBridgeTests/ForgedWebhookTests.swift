import Crypto
import Foundation
import OutboundHTTP
@testable import ProviderBridge
import Signing
import Testing
import TestSupport

/// One crafted delivery to `/webhooks/replicate`: headers and body made from the harness's secret,
/// and the status the bridge must answer.
struct CraftedWebhook: Sendable, CustomTestStringConvertible {
    typealias Headers = [(name: String, value: String)]
    var name: String
    var expectedStatus = 401
    var make: @Sendable (WebhookHarness, Int64) -> (headers: Headers, body: Data)

    var testDescription: String { name }

    /// A delivery whose headers are built from an id, a timestamp and a signature.
    static func headers(id: String?, timestamp: String?, signature: String?) -> Headers {
        var headers: Headers = []
        if let id { headers.append(("webhook-id", id)) }
        if let timestamp { headers.append(("webhook-timestamp", timestamp)) }
        if let signature { headers.append(("webhook-signature", signature)) }
        return headers
    }

    static let body = WebhookHarness.predictionBody()

    /// Signed correctly, then one thing changed by `tamper`.
    static func tampered(_ name: String, status: Int = 401,
                         _ tamper: @escaping @Sendable (WebhookHarness, Int64, inout String, inout String, inout String, inout Data) -> Void) -> CraftedWebhook {
        CraftedWebhook(name: name, expectedStatus: status) { harness, now in
            var id = "msg_forged"
            var timestamp = "\(now)"
            var body = Self.body
            var signature = harness.sign(id: id, timestamp: now, body: body)
            tamper(harness, now, &id, &timestamp, &signature, &body)
            return (headers(id: id, timestamp: timestamp, signature: signature), body)
        }
    }

    static let all: [CraftedWebhook] = [
        CraftedWebhook(name: "no headers at all") { _, _ in ([], body) },
        tampered("webhook-id missing") { _, _, _, _, _, _ in } .dropping("webhook-id"),
        tampered("webhook-timestamp missing") { _, _, _, _, _, _ in } .dropping("webhook-timestamp"),
        tampered("webhook-signature missing") { _, _, _, _, _, _ in } .dropping("webhook-signature"),
        tampered("webhook-id empty") { harness, now, id, _, signature, body in
            id = ""
            signature = harness.sign(id: "", timestamp: now, body: body)
        },
        tampered("timestamp not a number") { _, _, _, timestamp, _, _ in timestamp = "yesterday" },
        tampered("timestamp in milliseconds") { harness, now, id, timestamp, signature, body in
            timestamp = "\(now * 1000)"
            signature = harness.sign(id: id, timestamp: now * 1000, body: body)
        },
        tampered("timestamp six minutes old, signed for it") { harness, now, id, timestamp, signature, body in
            timestamp = "\(now - 360)"
            signature = harness.sign(id: id, timestamp: now - 360, body: body)
        },
        tampered("timestamp six minutes ahead, signed for it") { harness, now, id, timestamp, signature, body in
            timestamp = "\(now + 360)"
            signature = harness.sign(id: id, timestamp: now + 360, body: body)
        },
        tampered("a replay from a day ago") { harness, now, id, timestamp, signature, body in
            timestamp = "\(now - 86_400)"
            signature = harness.sign(id: id, timestamp: now - 86_400, body: body)
        },
        tampered("timestamp changed after signing") { _, now, _, timestamp, _, _ in timestamp = "\(now - 1)" },
        tampered("webhook-id changed after signing") { _, _, id, _, _, _ in id = "msg_other" },
        tampered("signed with another secret") { harness, now, id, _, signature, body in
            signature = harness.sign(id: id, timestamp: now, body: body, secret: StandardWebhookSignature.generateSecret())
        },
        tampered("signed with the secret's text rather than its key bytes") { harness, now, id, _, signature, body in
            let content = Data("\(id).\(now).".utf8) + body
            signature = "v1," + Data(HMACSHA256.mac(key: Data(harness.secret.utf8), content)).base64EncodedString()
        },
        tampered("output URL altered after signing") { _, _, _, _, _, body in
            body = WebhookHarness.predictionBody(output: "https://attacker.example/evil.mp4")
        },
        tampered("status altered after signing") { _, _, _, _, _, body in body = WebhookHarness.predictionBody(status: "failed") },
        tampered("prediction id altered after signing") { _, _, _, _, _, body in body = WebhookHarness.predictionBody(id: "p2") },
        tampered("a trailing newline added to the body") { _, _, _, _, _, body in body.append(0x0A) },
        tampered("the body re-serialised with spaces") { _, _, _, _, _, body in
            body = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        },
        tampered("the body emptied") { _, _, _, _, _, body in body = Data() },
        tampered("version v2 instead of v1") { _, _, _, _, signature, _ in signature = "v2" + signature.dropFirst(2) },
        tampered("no version prefix") { _, _, _, _, signature, _ in signature = String(signature.dropFirst(3)) },
        tampered("signature not base64") { _, _, _, _, signature, _ in signature = "v1,!!!not-base64!!!" },
        tampered("signature empty") { _, _, _, _, signature, _ in signature = "" },
        tampered("signature truncated") { _, _, _, _, signature, _ in signature = String(signature.prefix(20)) },
        tampered("signature with one byte flipped") { _, _, _, _, signature, _ in
            var mac = Data(base64Encoded: String(signature.dropFirst(3)))!
            mac[0] ^= 0x01
            signature = "v1," + mac.base64EncodedString()
        },
        tampered("signature of an empty body") { harness, now, id, _, signature, _ in
            signature = harness.sign(id: id, timestamp: now, body: Data())
        },
        tampered("signature in upper case") { _, _, _, _, signature, _ in signature = signature.uppercased() },
        tampered("several signatures, none valid") { harness, now, id, _, signature, body in
            signature = "v1,AAAA v1,\(Data(repeating: 1, count: 32).base64EncodedString()) "
                + harness.sign(id: id, timestamp: now, body: body, secret: StandardWebhookSignature.generateSecret())
        },
        tampered("a valid signature of another prediction's body") { harness, now, id, _, signature, _ in
            signature = harness.sign(id: id, timestamp: now, body: WebhookHarness.predictionBody(id: "p2"))
        },
        tampered("signed correctly but not JSON", status: 400) { harness, now, id, _, signature, body in
            body = Data("not json".utf8)
            signature = harness.sign(id: id, timestamp: now, body: body)
        },
        tampered("over the size limit", status: 413) { harness, now, id, _, signature, body in
            body = Data(repeating: 0x20, count: WebhookReceiver.maximumBodyBytes + 1)
            signature = harness.sign(id: id, timestamp: now, body: body)
        },
    ]
}

extension CraftedWebhook {
    /// The same delivery without one header.
    func dropping(_ header: String) -> CraftedWebhook {
        var copy = self
        copy.make = { harness, now in
            let (headers, body) = self.make(harness, now)
            return (headers.filter { $0.name != header }, body)
        }
        return copy
    }
}

/// HMAC-SHA256 for crafting wrong signatures by hand.
enum HMACSHA256 {
    static func mac(key: Data, _ content: Data) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key)))
    }
}

@Suite("Forged, stale, replayed and altered provider webhooks")
struct ForgedWebhookTests {
    @Test("a crafted Replicate webhook is refused and changes nothing", arguments: CraftedWebhook.all)
    func refused(_ crafted: CraftedWebhook) async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        try await harness.serve { base in
            let (headers, body) = crafted.make(harness, Int64(Date().timeIntervalSince1970))
            let answer = try await ServiceHTTPClient().send("POST", base.appendingPathComponent("webhooks/replicate"),
                                                            headers: headers + [("Content-Type", "application/json")], body: Array(body))
            #expect(answer.status == crafted.expectedStatus, "\(String(decoding: answer.body, as: UTF8.self))")
        }
        let state = try harness.state(job: WebhookHarness.replicateJob)
        #expect(state.status == "submitted")
        #expect(state.outbox == 0)
        #expect(state.receipts == 0)
    }

    @Test("a valid webhook ends the job once; the same webhook-id again changes nothing")
    func validThenReplayed() async throws {
        let harness = try WebhookHarness.make()
        defer { harness.remove() }
        try await harness.serve { base in
            let now = Int64(Date().timeIntervalSince1970)
            let body = WebhookHarness.predictionBody()
            // During a key rotation the header carries the old key's signature and the new one's.
            let signatures = harness.sign(id: "msg_1", timestamp: now, body: body, secret: StandardWebhookSignature.generateSecret())
                + " " + harness.sign(id: "msg_1", timestamp: now, body: body)
            let headers = CraftedWebhook.headers(id: "msg_1", timestamp: "\(now)", signature: signatures)
            let url = base.appendingPathComponent("webhooks/replicate")
            let first = try await ServiceHTTPClient().send("POST", url, headers: headers, body: Array(body))
            #expect(first.status == 200)
            #expect(String(decoding: first.body, as: UTF8.self).contains("RECORDED"))
            let afterFirst = try harness.state(job: WebhookHarness.replicateJob)
            #expect(afterFirst.status == "succeeded")
            #expect(afterFirst.outbox == 2, "video.generated and provider.outcome")
            let replay = try await ServiceHTTPClient().send("POST", url, headers: headers, body: Array(body))
            #expect(replay.status == 200)
            #expect(String(decoding: replay.body, as: UTF8.self).contains("DUPLICATE"))
            // A new delivery id with a valid signature about the same prediction: the job stays ended.
            let later = CraftedWebhook.headers(id: "msg_2", timestamp: "\(now)",
                                               signature: harness.sign(id: "msg_2", timestamp: now, body: WebhookHarness.predictionBody(status: "failed")))
            let stale = try await ServiceHTTPClient().send("POST", url, headers: later, body: Array(WebhookHarness.predictionBody(status: "failed")))
            #expect(String(decoding: stale.body, as: UTF8.self).contains("ALREADY_FINAL"))
            let afterAll = try harness.state(job: WebhookHarness.replicateJob)
            #expect(afterAll.status == "succeeded")
            #expect(afterAll.outbox == 2)
        }
    }
}
