import Foundation
import Signing
import TestSupport
import Testing

@Suite("Standard Webhooks signatures and HS256 JWTs")
struct SignatureTests {
    // The Standard Webhooks libraries' own test vector.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp: Int64 = 1_614_265_330
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test("signing reproduces the Standard Webhooks test vector, and verification accepts it")
    func vector() throws {
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        #expect(signer.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body) == Self.expected)
        let then = Date(timeIntervalSince1970: Double(Self.timestamp) + 10)
        try signer.verify(id: Self.id, timestamp: String(Self.timestamp), signatures: Self.expected, body: Self.body, now: then)
        // Several signatures (a key rotation): one valid is enough.
        try signer.verify(id: Self.id, timestamp: String(Self.timestamp), signatures: "v1,AAAA \(Self.expected)", body: Self.body, now: then)
    }

    @Test("altered bodies, ids, timestamps, stale times and other keys are refused")
    func refusals() throws {
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let then = Date(timeIntervalSince1970: Double(Self.timestamp))
        let cases: [(String?, String?, String?, [UInt8], Date, StandardWebhookSignature.Rejection)] = [
            (Self.id, String(Self.timestamp), Self.expected, Array(#"{"test": 2432232315}"#.utf8), then, .noValidSignature),
            ("msg_other", String(Self.timestamp), Self.expected, Self.body, then, .noValidSignature),
            (Self.id, String(Self.timestamp + 1), Self.expected, Self.body, then, .noValidSignature),
            (Self.id, String(Self.timestamp), "v2," + Self.expected.dropFirst(3), Self.body, then, .noValidSignature),
            (Self.id, String(Self.timestamp), Self.expected, Self.body, then.addingTimeInterval(301), .staleTimestamp),
            (Self.id, String(Self.timestamp), Self.expected, Self.body, then.addingTimeInterval(-301), .staleTimestamp),
            (Self.id, "yesterday", Self.expected, Self.body, then, .malformedTimestamp),
            (nil, String(Self.timestamp), Self.expected, Self.body, then, .missingHeaders),
            (Self.id, String(Self.timestamp), nil, Self.body, then, .missingHeaders),
        ]
        for (id, timestamp, signatures, body, now, rejection) in cases {
            #expect(throws: rejection) {
                try signer.verify(id: id, timestamp: timestamp, signatures: signatures, body: body, now: now)
            }
        }
        let other = try #require(StandardWebhookSignature(secret: StandardWebhookSignature.generateSecret()))
        #expect(throws: StandardWebhookSignature.Rejection.noValidSignature) {
            try other.verify(id: Self.id, timestamp: String(Self.timestamp), signatures: Self.expected, body: Self.body, now: then)
        }
        #expect(StandardWebhookSignature(secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == nil)
        #expect(StandardWebhookSignature(secret: "whsec_not base64!") == nil)
    }

    @Test("HS256 through jwt-kit: RFC 7515 A.1's token verifies under its key, and client tokens round-trip")
    func jwtVector() async throws {
        let key = try #require(Data(base64Encoded: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ+EstJQLr/T+1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=="))
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let claims = try await HS256Tokens(secret: key).verify(token, as: TestClaims.self)
        #expect(claims == TestClaims(issuer: "joe", exp: 1_300_819_380))
        await #expect(throws: TokenRejection.badSignature) {
            try await HS256Tokens(secret: "another-secret-of-thirty-two-bytes!!!!").verify(token, as: TestClaims.self)
        }

        let tokens = HS256Tokens(secret: "a-secret-of-at-least-thirty-two-bytes!!")
        let signed = try await tokens.workspaceToken("acme", expiresIn: 60)
        #expect(try await tokens.verify(signed, as: WorkspaceClaims.self).workspaceID == "acme")
        let kling = try await tokens.sign(KlingClaims(accessKey: "ak"))
        #expect(try await tokens.verify(kling, as: KlingClaims.self).issuer.value == "ak")
    }

    @Test("HS256 refuses alg none, other keys, tampered signatures, missing exp or workspace, expired or future tokens, and junk")
    func jwtRefusals() async throws {
        let tokens = HS256Tokens(secret: "a-secret-of-at-least-thirty-two-bytes!!")
        let now = Int(Date().timeIntervalSince1970)
        let good = try await tokens.sign(TestClaims(workspaceID: "acme", exp: now + 60))
        let parts = good.split(separator: ".").map(String.init)
        let noneHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  // {"alg":"none","typ":"JWT"}
        let other = try await HS256Tokens(secret: "another-secret-of-thirty-two-bytes!!!!").sign(TestClaims(workspaceID: "acme", exp: now + 60))
        // A changed first character: the last one carries padding bits, and changing it can leave the bytes as they were.
        let tampered = (parts[2].first == "A" ? "B" : "A") + parts[2].dropFirst()
        let cases: [(String, TokenRejection)] = [
            ("\(noneHeader).\(parts[1]).", .badSignature),
            (other, .badSignature),
            ("\(parts[0]).\(parts[1]).\(tampered)", .badSignature),
            (try await tokens.sign(TestClaims(workspaceID: "acme")), .malformed),
            (try await tokens.sign(TestClaims(exp: now + 60)), .malformed),
            (try await tokens.sign(TestClaims(workspaceID: "acme", exp: now - 31)), .expired),
            (try await tokens.sign(TestClaims(workspaceID: "acme", exp: now + 60, nbf: now + 50)), .notYetValid),
        ]
        #expect(try await tokens.verify(good, as: WorkspaceClaims.self).workspaceID == "acme")
        for (token, rejection) in cases {
            await #expect(throws: rejection, "\(token)") { try await tokens.verify(token, as: WorkspaceClaims.self) }
        }
        // Junk fails on its shape or on its signature, whichever jwt-kit meets first.
        for junk in ["", "a.b", "a.b.c", "\(parts[0]).\(parts[1])", "\(parts[0])..\(parts[2])"] {
            let error = await #expect(throws: TokenRejection.self) { try await tokens.verify(junk, as: WorkspaceClaims.self) }
            #expect(error == .malformed || error == .badSignature, "\(junk)")
        }
        // Within the leeway, a token just past its exp still passes (clocks drift).
        #expect(try await tokens.verify(try await tokens.sign(TestClaims(workspaceID: "acme", exp: now - 5)), as: WorkspaceClaims.self).workspaceID == "acme")
    }
}
