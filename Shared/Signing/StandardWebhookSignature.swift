import Crypto
import Foundation

/// Signing and verifying webhooks the Standard Webhooks way (standardwebhooks.com): the signed
/// content is `"{webhook-id}.{webhook-timestamp}.{raw body}"`, the key is the base64 part of a
/// `whsec_…` secret, and `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries
/// (several during a key rotation).
public struct StandardWebhookSignature: Sendable {
    /// The prefix of a Standard Webhooks secret.
    public static let secretPrefix = "whsec_"
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// `secret` is `whsec_` followed by base64 key bytes; nil when it is not one.
    public init?(secret: String) {
        guard secret.hasPrefix(Self.secretPrefix),
              let bytes = Data(base64Encoded: String(secret.dropFirst(Self.secretPrefix.count))), bytes.count >= 16
        else { return nil }
        keyBytes = bytes
    }

    /// A new random secret (32 key bytes).
    public static func generateSecret() -> String {
        secretPrefix + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The `webhook-signature` value for one message: `v1,<base64>`.
    public func signature(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        "v1," + Data(HMAC<SHA256>.authenticationCode(for: signedContent(id: id, timestamp: timestamp, body: body), using: key)).base64EncodedString()
    }

    /// Why a webhook was not accepted.
    public enum Rejection: Error, Equatable, Sendable {
        case missingHeaders
        case malformedTimestamp
        case staleTimestamp
        case noValidSignature
    }

    /// Checks the headers against the raw body: the timestamp within `tolerance` of `now` (either
    /// way), and at least one `v1` signature matching, compared in constant time.
    public func verify(id: String?, timestamp: String?, signatures: String?, body: some Collection<UInt8>,
                       now: Date = Date(), tolerance: TimeInterval = 300) throws(Rejection) {
        guard let id, let timestamp, let signatures, !id.isEmpty else { throw .missingHeaders }
        guard let seconds = Int64(timestamp) else { throw .malformedTimestamp }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { throw .staleTimestamp }
        let content = signedContent(id: id, timestamp: seconds, body: body)
        for entry in signatures.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: content, using: key) { return }
        }
        throw .noValidSignature
    }

    private func signedContent(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [UInt8] {
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return content
    }
}
