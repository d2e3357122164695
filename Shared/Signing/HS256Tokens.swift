import Foundation
import JWTKit
import Synchronization

/// JSON Web Tokens signed with HMAC-SHA256 under one shared secret, through jwt-kit: the bearer
/// tokens clients send (``WorkspaceClaims``) and the ones Kling asks for (``KlingClaims``).
///
/// The key decides the algorithm: a token is accepted only if its HS256 MAC under this secret
/// matches (compared in constant time by swift-crypto), whatever its header claims.
public final class HS256Tokens: Sendable {
    private let key: HMACKey
    private let keys = JWTKeyCollection()
    // jwt-kit's key collection is an actor, filled by an async call; the first use fills it, so
    // that this can be made where no `await` is possible (configuration, provider set-up).
    private let keyAdded = Mutex(false)

    /// RFC 7518 (3.2): an HS256 key must be at least as long as the hash, 32 bytes. jwt-kit asserts
    /// it, so settings that carry such a key are checked against this at start-up.
    public static let minimumKeyBytes = 32

    /// Tokens under `secret`'s UTF-8 bytes.
    public init(secret: String) {
        key = HMACKey(from: secret)
    }

    /// Tokens under the raw key bytes `secret`.
    public init(secret: some DataProtocol) {
        key = HMACKey(from: secret)
    }

    private func collection() async -> JWTKeyCollection {
        if !keyAdded.withLock({ $0 }) {
            await keys.add(hmac: key, digestAlgorithm: .sha256)
            keyAdded.withLock { $0 = true }
        }
        return keys
    }

    /// `claims` as a compact token, header `{"alg":"HS256","typ":"JWT"}`.
    public func sign(_ claims: some JWTPayload) async throws -> String {
        try await collection().sign(claims)
    }

    /// The token's claims, once its signature and its claims' own checks (expiry, not-before) pass.
    public func verify<Claims: JWTPayload>(_ token: String, as claims: Claims.Type) async throws(TokenRejection) -> Claims {
        do {
            return try await collection().verify(token, as: Claims.self)
        } catch let rejection as TokenRejection {
            throw rejection
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
    }
}

/// Why a token was not accepted; the description is what a 401 answer says.
public enum TokenRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed
    case badSignature
    case expired
    case notYetValid

    public var description: String {
        switch self {
        case .malformed: "the token is not a compact HS256 JWT with the claims this server needs"
        case .badSignature: "the signature does not match"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet (nbf)"
        }
    }

    /// Clocks drift: `exp` and `nbf` are honoured this many seconds either side.
    public static let leeway: TimeInterval = 30

    /// Throws when `now` is past `expiration` or before `notBefore`, allowing ``leeway``.
    static func check(expiration: ExpirationClaim, notBefore: NotBeforeClaim?, now: Date = Date()) throws(TokenRejection) {
        guard now.timeIntervalSince(expiration.value) < leeway else { throw .expired }
        if let notBefore, notBefore.value.timeIntervalSince(now) > leeway { throw .notYetValid }
    }
}
