import Crypto
import EventContracts
import Foundation
import OutboundHTTP

/// Why an S3 request failed.
public enum S3Error: Error, CustomStringConvertible, Equatable {
    /// The service answered with an error status and (usually) an XML `<Error>` body.
    case service(status: Int, code: String, message: String)
    /// The request never got an answer.
    case transport(OutboundFetchError)
    /// The service stored something other than what was sent.
    case checksumMismatch(String)

    public var description: String {
        switch self {
        case .service(let status, let code, let message): "S3 answered \(status) \(code): \(message)"
        case .transport(let failure): "S3 unreachable: \(failure)"
        case .checksumMismatch(let what): "checksum mismatch: \(what)"
        }
    }

    /// Whether trying the same request again may succeed: transport failures, 5xx, 429 and S3's
    /// "slow down" and "request timeout" answers.
    public var isTransient: Bool {
        switch self {
        case .transport: true
        case .service(let status, let code, _): status >= 500 || status == 429 || code == "SlowDown" || code == "RequestTimeout"
        case .checksumMismatch: true
        }
    }
}

/// What a HEAD of an object told.
public struct S3ObjectHead: Sendable, Equatable {
    public var bytes: Int64
    /// `x-amz-meta-*` fields, names without the prefix.
    public var metadata: [String: String]
    public var contentType: String?
}

/// One uploaded part of a multipart upload.
public struct S3UploadedPart: Sendable, Equatable {
    public var number: Int
    public var etag: String
    /// Base64 SHA-256 of the part, as S3 confirmed it.
    public var checksumSHA256: String
}

/// The S3 REST operations RoomReel needs, over libcurl, signed with SigV4 (`x-amz-content-sha256`
/// is the real payload hash: the service checks the body against the signature).
public struct S3Client: Sendable {
    public let settings: S3Settings
    private let signer: AWSSignatureV4
    private let http: ServiceHTTPClient

    public init(settings: S3Settings, timeout: Duration = .seconds(300)) {
        self.settings = settings
        signer = AWSSignatureV4(credentials: settings.credentials, region: settings.region)
        http = ServiceHTTPClient(timeout: timeout, connectTimeout: .seconds(10), maximumAnswerBytes: 4 << 20)
    }

    // MARK: Buckets and objects

    /// Creates the bucket; one that exists and is ours already is fine.
    public func createBucket() async throws(S3Error) {
        do {
            _ = try await send("PUT", key: nil)
        } catch .service(_, let code, _) where code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists" {
            return
        }
    }

    /// The object's size and metadata, or nil when there is none.
    public func headObject(_ key: String) async throws(S3Error) -> S3ObjectHead? {
        do {
            let answer = try await send("HEAD", key: key)
            var metadata: [String: String] = [:]
            for field in answer.headers where field.name.hasPrefix("x-amz-meta-") {
                metadata[String(field.name.dropFirst("x-amz-meta-".count))] = field.value
            }
            let length = answer.headers.first { $0.name == "content-length" }.flatMap { Int64($0.value) } ?? 0
            return S3ObjectHead(bytes: length, metadata: metadata, contentType: answer.headers.first { $0.name == "content-type" }?.value)
        } catch .service(let status, _, _) where status == 404 {
            return nil
        }
    }

    /// Uploads `length` bytes of `file` from `offset` as one object (S3 takes up to 5 GB this way),
    /// with its SHA-256 as payload hash and as `x-amz-checksum-sha256`, which the answer must echo.
    public func putObject(_ key: String, file: String, offset: Int64 = 0, length: Int64, contentType: String,
                          metadata: [String: String] = [:]) async throws(S3Error) {
        let digest = try Self.digest(file: file, offset: offset, length: length)
        var headers = [("content-type", contentType), ("x-amz-checksum-sha256", digest.base64)]
        headers += metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
        let answer = try await send("PUT", key: key, headers: headers, body: .file(path: file, offset: offset, length: length),
                                    payloadHash: digest.hex)
        try Self.checkEcho(answer, expected: digest.base64, what: key)
    }

    // MARK: Multipart uploads

    /// Starts a multipart upload whose parts carry SHA-256 checksums; returns its upload id.
    public func createMultipartUpload(_ key: String, contentType: String, metadata: [String: String] = [:]) async throws(S3Error) -> String {
        var headers = [("content-type", contentType), ("x-amz-checksum-algorithm", "SHA256")]
        headers += metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key)", $0.value) }
        let answer = try await send("POST", key: key, query: [("uploads", "")], headers: headers, body: .bytes([]))
        guard let uploadID = S3XML.values("UploadId", in: answer.body).first else {
            throw .service(status: answer.status, code: "MalformedAnswer", message: "no UploadId in the answer")
        }
        return uploadID
    }

    /// Uploads one part (`number` from 1) from a range of `file`. `breakAfter` drops the connection
    /// after that many bytes: how tests make a part fail against a real server.
    public func uploadPart(_ key: String, uploadID: String, number: Int, file: String, offset: Int64, length: Int64,
                           breakAfter: Int64? = nil) async throws(S3Error) -> S3UploadedPart {
        let digest = try Self.digest(file: file, offset: offset, length: length)
        let answer = try await send("PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                    headers: [("x-amz-checksum-sha256", digest.base64)],
                                    body: .file(path: file, offset: offset, length: length), payloadHash: digest.hex,
                                    breakAfter: breakAfter)
        try Self.checkEcho(answer, expected: digest.base64, what: "\(key) part \(number)")
        guard let etag = answer.headers.first(where: { $0.name == "etag" })?.value else {
            throw .service(status: answer.status, code: "MalformedAnswer", message: "no ETag for part \(number)")
        }
        return S3UploadedPart(number: number, etag: etag, checksumSHA256: digest.base64)
    }

    /// Joins the parts into the object.
    public func completeMultipartUpload(_ key: String, uploadID: String, parts: [S3UploadedPart]) async throws(S3Error) {
        let xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + parts.sorted { $0.number < $1.number }.map {
                "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag><ChecksumSHA256>\($0.checksumSHA256)</ChecksumSHA256></Part>"
            }.joined()
            + "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        let answer = try await send("POST", key: key, query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")],
                                    body: .bytes(body), payloadHash: SHA256.hash(data: body).hexEncoded)
        // S3 may answer 200 with an <Error> body when the join fails late.
        if let code = S3XML.values("Code", in: answer.body).first, answer.body.contains("<Error>") {
            throw .service(status: answer.status, code: code, message: S3XML.values("Message", in: answer.body).first ?? "")
        }
    }

    /// Abandons a multipart upload; S3 deletes the parts already sent.
    public func abortMultipartUpload(_ key: String, uploadID: String) async throws(S3Error) {
        do {
            _ = try await send("DELETE", key: key, query: [("uploadId", uploadID)])
        } catch .service(_, let code, _) where code == "NoSuchUpload" {
            return
        }
    }

    /// The upload ids of the bucket's unfinished multipart uploads, by key.
    public func listMultipartUploads() async throws(S3Error) -> [(key: String, uploadID: String)] {
        let answer = try await send("GET", key: nil, query: [("uploads", "")])
        let uploads = S3XML.elements("Upload", in: answer.body)
        return uploads.compactMap { upload in
            guard let key = S3XML.values("Key", in: upload).first, let id = S3XML.values("UploadId", in: upload).first else { return nil }
            return (key, id)
        }
    }

    // MARK: URLs

    /// A presigned GET URL of `key`, good for `expires` seconds from `date`.
    public func presignedGetURL(_ key: String, expires: Int, date: Date = Date()) -> String {
        let location = location(key: key)
        return signer.presignedURL(method: "GET", scheme: location.scheme, host: location.host, path: location.path,
                                   expires: expires, date: date)
    }

    // MARK: The wire

    struct Answer {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String
    }

    private func location(key: String?) -> (scheme: String, host: String, path: String) {
        let endpoint = settings.endpoint
        let scheme = endpoint.scheme?.lowercased() ?? "https"
        var host = endpoint.host ?? ""
        if let port = endpoint.port { host += ":\(port)" }
        let base = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        if settings.pathStyle {
            return (scheme, host, "\(base)/\(settings.bucket)" + (key.map { "/\($0)" } ?? ""))
        }
        return (scheme, "\(settings.bucket).\(host)", "\(base)/" + (key ?? ""))
    }

    private func send(_ method: String, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
                      body: HTTPRequestBody = .none, payloadHash: String = AWSSignatureV4.emptyPayloadHash,
                      breakAfter: Int64? = nil) async throws(S3Error) -> Answer {
        let location = location(key: key)
        let now = Date()
        var signed = headers
        signed += [("host", location.host), ("x-amz-date", AWSSignatureV4.timestamp(now)), ("x-amz-content-sha256", payloadHash)]
        let authorization = signer.authorization(method: method, path: location.path, query: query, headers: signed,
                                                 payloadHash: payloadHash, date: now)
        let queryText = query.isEmpty ? "" : "?" + AWSSignatureV4.canonicalQuery(query)
        guard let url = URL(string: "\(location.scheme)://\(location.host)\(AWSSignatureV4.encodePath(location.path))\(queryText)") else {
            throw .transport(.transport("cannot form a URL for key \(key ?? "")"))
        }
        let answer: HTTPAnswer
        do {
            answer = try await http.send(method, url, headers: (signed + [("authorization", authorization)]).map { (name: $0.0, value: $0.1) },
                                         content: body, breakUploadAfter: breakAfter)
        } catch {
            throw .transport(error)
        }
        let text = String(decoding: answer.body, as: UTF8.self)
        guard (200..<300).contains(answer.status) else {
            let code = S3XML.values("Code", in: text).first ?? (answer.status == 404 ? "NotFound" : "HTTP\(answer.status)")
            throw .service(status: answer.status, code: code, message: S3XML.values("Message", in: text).first ?? "")
        }
        return Answer(status: answer.status, headers: answer.headers, body: text)
    }

    /// When the service echoes a SHA-256 checksum, it must be the one sent.
    private static func checkEcho(_ answer: Answer, expected: String, what: String) throws(S3Error) {
        if let echoed = answer.headers.first(where: { $0.name == "x-amz-checksum-sha256" })?.value, echoed != expected {
            throw .checksumMismatch("\(what): sent \(expected), stored \(echoed)")
        }
    }

    /// SHA-256 of a file range, hex and base64, read in 1 MiB blocks.
    static func digest(file: String, offset: Int64, length: Int64) throws(S3Error) -> (hex: String, base64: String) {
        guard let digest = FileDigest.sha256(path: file, offset: offset, length: length) else {
            throw .transport(.transport("cannot read \(file)"))
        }
        return (digest.hexEncoded, Data(digest).base64EncodedString())
    }
}
