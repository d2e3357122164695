import Foundation
import JWTKit

/// A client's bearer JWT: the workspace it acts for, and when it stops being valid (`exp` is
/// required: a token that never expires is refused).
public struct WorkspaceClaims: JWTPayload, Equatable {
    public var workspaceID: String
    /// Further workspaces the token may act for, named by a request's `workspace_id` (the
    /// `generate-interior-video-v2` API's body field); `workspaceID` is the one used otherwise.
    public var workspaceIDs: [String]?
    public var expiration: ExpirationClaim
    public var notBefore: NotBeforeClaim?

    public init(workspaceID: String, workspaceIDs: [String]? = nil, expiresAt: Date, notBefore: Date? = nil) {
        self.workspaceID = workspaceID
        self.workspaceIDs = workspaceIDs
        expiration = ExpirationClaim(value: expiresAt)
        self.notBefore = notBefore.map { NotBeforeClaim(value: $0) }
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case workspaceIDs = "workspace_ids"
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
