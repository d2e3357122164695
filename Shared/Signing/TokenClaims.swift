import Foundation
import JWTKit

/// A client's bearer JWT: the workspace it acts for, and when it stops being valid (`exp` is
/// required: a token that never expires is refused).
public struct WorkspaceClaims: JWTPayload, Equatable {
    public var workspaceID: String
    public var expiration: ExpirationClaim
    public var notBefore: NotBeforeClaim?

    public init(workspaceID: String, expiresAt: Date, notBefore: Date? = nil) {
        self.workspaceID = workspaceID
        expiration = ExpirationClaim(value: expiresAt)
        self.notBefore = notBefore.map { NotBeforeClaim(value: $0) }
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case expiration = "exp"
        case notBefore = "nbf"
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try TokenRejection.check(expiration: expiration, notBefore: notBefore)
    }
}

/// The JWT Kling's API takes as its bearer token: `iss` is the access key, signed with the secret key.
public struct KlingClaims: JWTPayload, Equatable {
    public var issuer: IssuerClaim
    public var expiration: ExpirationClaim
    public var notBefore: NotBeforeClaim

    /// Valid from 5 seconds back (clock drift) for 30 minutes, as Kling's documents sign it.
    public init(accessKey: String, now: Date = Date()) {
        issuer = IssuerClaim(value: accessKey)
        expiration = ExpirationClaim(value: now.addingTimeInterval(1800))
        notBefore = NotBeforeClaim(value: now.addingTimeInterval(-5))
    }

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case expiration = "exp"
        case notBefore = "nbf"
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try TokenRejection.check(expiration: expiration, notBefore: notBefore)
    }
}
