import Foundation
import Signing
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

    @Test("HS256: RFC 7515 A.1's token verifies, and tokens we sign round-trip")
    func jwtVector() throws {
        let key = try #require(Data(base64Encoded: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ+EstJQLr/T+1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=="))
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let claims = try HS256JWT(secret: key).verify(token, now: Date(timeIntervalSince1970: 1_300_819_000))
        #expect(claims["iss"] as? String == "joe")
        #expect(throws: HS256JWT.Rejection.expired) { try HS256JWT(secret: key).verify(token, now: Date(timeIntervalSince1970: 1_300_819_500)) }

        let jwt = HS256JWT(secret: Data("a-secret-of-at-least-thirty-two-bytes!!".utf8))
        let now = Date()
        let signed = try jwt.sign(["workspace_id": "acme", "exp": Int(now.timeIntervalSince1970) + 60])
        #expect(try jwt.verify(signed, now: now)["workspace_id"] as? String == "acme")
    }

    @Test("HS256 refuses other algorithms, bad signatures, missing exp, future nbf and junk")
    func jwtRefusals() throws {
        let jwt = HS256JWT(secret: Data("a-secret-of-at-least-thirty-two-bytes!!".utf8))
        let now = Date()
        let exp = Int(now.timeIntervalSince1970) + 60
        let good = try jwt.sign(["workspace_id": "acme", "exp": exp])
        let parts = good.split(separator: ".").map(String.init)
        let noneHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  // {"alg":"none","typ":"JWT"}
        let other = try HS256JWT(secret: Data("another-secret-of-thirty-two-bytes!!!!".utf8)).sign(["workspace_id": "acme", "exp": exp])
        #expect(throws: HS256JWT.Rejection.unsupportedAlgorithm("none")) { try jwt.verify("\(noneHeader).\(parts[1]).", now: now) }
        #expect(throws: HS256JWT.Rejection.badSignature) { try jwt.verify(other, now: now) }
        // A changed first character: the last one carries padding bits, and changing it can leave the bytes as they were.
        let tampered = (parts[2].first == "A" ? "B" : "A") + parts[2].dropFirst()
        #expect(throws: HS256JWT.Rejection.badSignature) { try jwt.verify("\(parts[0]).\(parts[1]).\(tampered)", now: now) }
        #expect(throws: HS256JWT.Rejection.missingClaim("exp")) { try jwt.verify(try jwt.sign(["workspace_id": "acme"]), now: now) }
        #expect(throws: HS256JWT.Rejection.notYetValid) {
            try jwt.verify(try jwt.sign(["workspace_id": "acme", "exp": exp, "nbf": exp - 10]), now: now)
        }
        for junk in ["", "a.b", "a.b.c", "\(parts[0]).\(parts[1])", "\(parts[0])..\(parts[2])"] {
            #expect(throws: HS256JWT.Rejection.malformed) { try jwt.verify(junk, now: now) }
        }
    }
}
