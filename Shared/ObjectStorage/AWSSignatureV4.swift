import Crypto
import EventContracts
import Foundation

/// An access key pair for an S3-compatible service.
public struct AWSCredentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(accessKeyID: String, secretAccessKey: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), in the header form and the presigned-URL form, as
/// documented in "Signing AWS API requests" and "Authenticating Requests (AWS Signature Version 4)"
/// of the S3 API reference. Paths are encoded once, the S3 way (other services encode twice).
public struct AWSSignatureV4: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    /// The SHA-256 of an empty payload, hex.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The payload hash of a presigned URL, whose body is not known when it is signed.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The `Authorization` header of a request. `headers` are the fields to sign, and must include
    /// `host` and `x-amz-date` (with `AWSSignatureV4.timestamp(date)`); `path` is the raw path (it is
    /// encoded here) and `query` the raw parameters.
    public func authorization(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                              payloadHash: String, date: Date) -> String {
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        let signature = sign(canonicalRequest: canonical.text, date: date)
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(date)),SignedHeaders=\(canonical.signedHeaders),Signature=\(signature)"
    }

    /// A presigned URL: the signature in the query string, good for `expires` seconds from `date`
    /// (S3 allows at most 7 days). Only `host` is signed, so anyone holding the URL can use it.
    public func presignedURL(method: String, scheme: String, host: String, path: String, query: [(String, String)] = [],
                             expires: Int, date: Date) -> String {
        var parameters = query
        parameters += [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(date))"),
            ("X-Amz-Date", Self.timestamp(date)),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        let canonical = canonicalRequest(method: method, path: path, query: parameters, headers: [("host", host)],
                                         payloadHash: Self.unsignedPayload)
        let signature = sign(canonicalRequest: canonical.text, date: date)
        return "\(scheme)://\(host)\(Self.encodePath(path))?\(Self.canonicalQuery(parameters))&X-Amz-Signature=\(signature)"
    }

    /// The canonical request (step 1 of signing) and its signed-header list.
    public func canonicalRequest(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                                 payloadHash: String) -> (text: String, signedHeaders: String) {
        let fields = headers
            .map { (name: $0.0.lowercased(), value: Self.trimmedValue($0.1)) }
            .sorted { $0.name < $1.name }
        let canonicalHeaders = fields.map { "\($0.name):\($0.value)\n" }.joined()
        let signedHeaders = fields.map(\.name).joined(separator: ";")
        let text = [method, Self.encodePath(path), Self.canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// The hex signature of a canonical request.
    public func sign(canonicalRequest: String, date: Date) -> String {
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            Self.timestamp(date),
            scope(date),
            SHA256.hash(data: Data(canonicalRequest.utf8)).hexEncoded,
        ].joined(separator: "\n")
        return Data(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(date))).hexEncoded
    }

    /// `date/region/service/aws4_request`.
    public func scope(_ date: Date) -> String {
        "\(Self.timestamp(date).prefix(8))/\(region)/\(service)/aws4_request"
    }

    private func signingKey(_ date: Date) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let dateKey = hmac(SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8)), String(Self.timestamp(date).prefix(8)))
        return hmac(hmac(hmac(dateKey, region), service), "aws4_request")
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, the form of `x-amz-date`.
    public static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// The path with each segment percent-encoded (`/` kept).
    public static func encodePath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        return absolute.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }

    /// Parameters encoded, sorted by name then value, joined with `&`.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { (left, right) -> Bool in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding as SigV4 wants it: every byte but `A–Z a–z 0–9 - _ . ~` as `%XX`.
    public static func encode(_ text: String) -> String {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved[Int(byte)] {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(upperHexDigits[Int(byte >> 4)])
                encoded.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static let upperHexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    private static let unreserved: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~")
    }

    /// Leading and trailing spaces removed and runs of spaces made one, as canonical headers need.
    private static func trimmedValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
