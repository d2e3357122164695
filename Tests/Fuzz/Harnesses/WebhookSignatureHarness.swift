import Foundation
import Signing

/// A Standard Webhooks delivery (Replicate's, and RoomReel's own): the lines are `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`, the rest the body. Arbitrary headers are refused
/// unless they carry a true signature; a true signature added to any list verifies; and it does not
/// verify a different body.
enum WebhookSignatureHarness {
    static let signer = StandardWebhookSignature(secret: "whsec_" + Data(repeating: 7, count: 32).base64EncodedString())!
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    /// The MAC a `v1,<base64>` entry carries, or nil.
    static func mac(_ entry: some StringProtocol) -> Data? {
        let parts = entry.split(separator: ",", maxSplits: 1)
        guard parts.count == 2, parts[0] == "v1" else { return nil }
        return Data(base64Encoded: String(parts[1]))
    }

    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        let (headers, body) = input.lines(3)
        let (id, timestamp, signatures) = (headers[0], headers[1], headers[2])
        let forged = (try? signer.verify(id: id, timestamp: timestamp, signatures: signatures, body: body, now: now)) != nil
        if forged, let seconds = Int64(timestamp) {
            // The true MAC, however its base64 is spelled: unused low bits of the last character
            // decode to the same bytes, which is the same signature, not a forgery.
            let genuine = Self.mac(signer.signature(id: id, timestamp: seconds, body: body))
            try require(signatures.split(separator: " ").contains { Self.mac($0) == genuine }, "headers without the true signature verified")
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
