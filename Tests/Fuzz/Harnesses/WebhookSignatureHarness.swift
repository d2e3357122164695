import Foundation
import Signing

/// A Standard Webhooks delivery (Replicate's, and RoomReel's own): the lines are `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`, the rest the body. Arbitrary headers are refused
/// unless they carry a true signature; a true signature added to any list verifies; and it does not
/// verify a different body.
enum WebhookSignatureHarness {
    static let signer = StandardWebhookSignature(secret: "whsec_" + Data(repeating: 7, count: 32).base64EncodedString())!
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        let (headers, body) = input.lines(3)
        let (id, timestamp, signatures) = (headers[0], headers[1], headers[2])
        let forged = (try? signer.verify(id: id, timestamp: timestamp, signatures: signatures, body: body, now: now)) != nil
        if forged, let seconds = Int64(timestamp) {
            try require(signatures.contains(signer.signature(id: id, timestamp: seconds, body: body)), "headers without the true signature verified")
        }
        guard !id.isEmpty, !id.contains(" ") else { return }
        let seconds = Int64(now.timeIntervalSince1970)
        let genuine = signer.signature(id: id, timestamp: seconds, body: body)
        let listed = signatures + " " + genuine
        try require((try? signer.verify(id: id, timestamp: String(seconds), signatures: listed, body: body, now: now)) != nil,
                    "a true signature in the list \(listed.prefix(120)) did not verify")
        var other = Array(body)
        other.append(0x20)
        try require((try? signer.verify(id: id, timestamp: String(seconds), signatures: genuine, body: other, now: now)) == nil,
                    "a signature verified another body")
    }
}
