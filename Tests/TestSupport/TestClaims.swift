import Foundation
import JWTKit
import Signing

/// JWT claims of any shape, for tokens a test crafts (a missing `exp`, a future `nbf`); checks nothing itself.
public struct TestClaims: JWTPayload, Equatable {
    public var workspaceID: String?
    public var issuer: String?
    public var exp: Int?
    public var nbf: Int?

    public init(workspaceID: String? = nil, issuer: String? = nil, exp: Int? = nil, nbf: Int? = nil) {
        self.workspaceID = workspaceID
        self.issuer = issuer
        self.exp = exp
        self.nbf = nbf
    }

    enum CodingKeys: String, CodingKey {
        case workspaceID = "workspace_id"
        case issuer = "iss"
        case exp, nbf
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension HS256Tokens {
    /// A client token for `workspaceID` that expires `seconds` from now.
    public func workspaceToken(_ workspaceID: String, expiresIn seconds: Double = 300) async throws -> String {
        try await sign(WorkspaceClaims(workspaceID: workspaceID, expiresAt: Date().addingTimeInterval(seconds)))
    }
}
