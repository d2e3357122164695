import Crypto
import EventContracts
import Foundation

/// Compact JSON Web Tokens signed with HMAC-SHA256 (RFC 7519, `alg: HS256` only): verifying the
/// bearer tokens clients send, and signing the ones providers (Kling) ask for. Small enough to
/// write here rather than pull in a JWT library and its certificate stack.
public struct HS256JWT: Sendable {
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(secret: some DataProtocol) {
        keyBytes = Data(secret)
    }

    /// Why a token was not accepted.
    public enum Rejection: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed
        case unsupportedAlgorithm(String)
        case badSignature
        case expired
        case notYetValid
        case missingClaim(String)

        public var description: String {
            switch self {
            case .malformed: "the token is not a compact JWT"
            case .unsupportedAlgorithm(let alg): "alg \(alg) is not accepted; use HS256"
            case .badSignature: "the signature does not match"
            case .expired: "the token has expired"
            case .notYetValid: "the token is not valid yet (nbf)"
            case .missingClaim(let name): "the token has no '\(name)' claim"
            }
        }
    }

    /// `claims` as a signed token (header `{"alg":"HS256","typ":"JWT"}`).
    public func sign(_ claims: [String: any Sendable]) throws -> String {
        let header = Base64URL.encode(Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signingInput = "\(header).\(payload)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: key)
        return "\(signingInput).\(Base64URL.encode(Data(mac)))"
    }

    /// The token's claims, once its signature (constant-time), `exp` and `nbf` (with `leeway`
    /// seconds) check out. `exp` is required: a token that never expires is refused.
    public func verify(_ token: String, now: Date = Date(), leeway: TimeInterval = 30) throws(Rejection) -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payloadData = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any]
        else { throw .malformed }
        guard let alg = header["alg"] as? String else { throw .malformed }
        guard alg == "HS256" else { throw .unsupportedAlgorithm(alg) }
        let signingInput = Data(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key) else { throw .badSignature }
        guard let exp = (claims["exp"] as? NSNumber)?.doubleValue else { throw .missingClaim("exp") }
        guard now.timeIntervalSince1970 < exp + leeway else { throw .expired }
        if let nbf = (claims["nbf"] as? NSNumber)?.doubleValue, now.timeIntervalSince1970 + leeway < nbf { throw .notYetValid }
        return claims
    }
}
