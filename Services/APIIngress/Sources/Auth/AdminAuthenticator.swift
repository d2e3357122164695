import Crypto
import Foundation
import Hummingbird

/// Guards the admin API: `Authorization: Bearer <INGRESS_ADMIN_TOKEN>`, compared in constant time
/// (both sides are MACed with a per-process key and the MACs compared with
/// `HMAC.isValidAuthenticationCode`). Without a configured token the admin API does not exist (404).
struct AdminAuthenticator: RouterMiddleware {
    // Kept as bytes: Crypto's key and code types are not Sendable.
    private let comparisonKey: [UInt8]
    private let expectedMAC: [UInt8]?

    init(adminToken: String?) {
        let key = SymmetricKey(size: .bits256)
        comparisonKey = key.withUnsafeBytes { Array($0) }
        expectedMAC = adminToken.map { Array(HMAC<SHA256>.authenticationCode(for: Data($0.utf8), using: key)) }
    }

    func handle(_ request: Request, context: IngressRequestContext,
                next: (Request, IngressRequestContext) async throws -> Response) async throws -> Response {
        guard let expectedMAC else {
            throw APIError(.notFound, "the admin API is off; set INGRESS_ADMIN_TOKEN to turn it on")
        }
        guard let token = request.bearerToken else {
            throw APIError(.unauthorized, "send the admin token as 'Authorization: Bearer <token>'")
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(expectedMAC, authenticating: Data(token.utf8), using: SymmetricKey(data: comparisonKey)) else {
            throw APIError(.unauthorized, "wrong admin token")
        }
        var context = context
        context.logger[metadataKey: "admin"] = "true"
        return try await next(request, context)
    }
}
