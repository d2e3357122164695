import Crypto
import EventContracts
import Foundation
import ObjectStorage
import OutboundHTTP
import Testing
import TestSupport

/// The S3 client and uploader against a real S3 REST API: moto's server on loopback.
@Suite("S3 uploads against moto on loopback", .serialized)
struct S3StorageTests {
    static let loopback = OutboundAddressPolicy(allowed: [IPRange("127.0.0.0/8")!])

    /// A file of `bytes` pseudo-random bytes and its SHA-256 (hex).
    static func makeFile(bytes: Int, in directory: TemporaryDirectory) throws -> (path: String, sha256: String) {
        var generator = SystemRandomNumberGenerator()
        var words = [UInt64](repeating: 0, count: bytes / 8 + 1)
        for index in words.indices { words[index] = generator.next() }
        let data = words.withUnsafeBytes { Data($0.prefix(bytes)) }
        let url = directory.url.appendingPathComponent("object-\(bytes).bin")
        try data.write(to: url)
        return (url.path, SHA256.hash(data: data).hexEncoded)
    }

    /// Downloads `key` through a presigned URL and returns its SHA-256.
    static func fetchedDigest(_ client: S3Client, key: String, in directory: TemporaryDirectory) async throws -> String {
        let url = try #require(URL(string: client.presignedGetURL(key, expires: 300)))
        let file = directory.url.appendingPathComponent("fetched-\(UUID().uuidString)")
        _ = try await OutboundFetcher(policy: loopback, maximumBytes: 1 << 30).download(url, to: file)
        return try #require(FileDigest.sha256(path: file.path)).hexEncoded
    }

    /// Runs `body` with a client of a fresh `videos` bucket on a moto server of its own; with
    /// `smallParts`, anything over 5 MiB goes up in 5 MiB parts.
    func withBucket(smallParts: Bool = false, _ body: (S3Client, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let moto = try await MotoServer.start()
        do {
            let client = S3Client(settings: smallParts ? moto.settings(bucket: "videos", multipartThreshold: 5 << 20, partSize: 5 << 20)
                                                       : moto.settings(bucket: "videos"))
            try await client.createBucket()
            try await body(client, directory)
            await moto.stop()
        } catch {
            await moto.stop()
            throw error
        }
    }

    @Test("a small video goes up in one PUT with its checksum, and a presigned URL fetches the same bytes")
    func singlePut() async throws {
        try await withBucket { client, directory in
            let file = try Self.makeFile(bytes: 300_000, in: directory)
            let key = "acme/generation-videos/job 1$.mp4"
            let outcome = try await S3Uploader(client: client).upload(file: file.path, key: key, contentType: "video/mp4",
                                                                     bytes: 300_000, sha256: file.sha256)
            #expect(outcome == .uploaded(parts: 1))
            let head = try #require(try await client.headObject(key))
            #expect(head.bytes == 300_000)
            #expect(head.metadata["sha256"] == file.sha256)
            #expect(head.contentType == "video/mp4")
            #expect(try await Self.fetchedDigest(client, key: key, in: directory) == file.sha256)
        }
    }

    @Test("a large video goes up in parts and arrives whole")
    func multipart() async throws {
        try await withBucket(smallParts: true) { client, directory in
            let size = 12 << 20
            let file = try Self.makeFile(bytes: size, in: directory)
            let outcome = try await S3Uploader(client: client).upload(file: file.path, key: "generation-videos/big.mp4",
                                                                     contentType: "video/mp4", bytes: Int64(size), sha256: file.sha256)
            #expect(outcome == .uploaded(parts: 3))
            #expect(try await Self.fetchedDigest(client, key: "generation-videos/big.mp4", in: directory) == file.sha256)
            #expect(try await client.listMultipartUploads().isEmpty)
        }
    }

    @Test("a part whose connection breaks half-way is sent again on its own")
    func partRetried() async throws {
        try await withBucket(smallParts: true) { client, directory in
            let size = 11 << 20
            let file = try Self.makeFile(bytes: size, in: directory)
            let uploader = S3Uploader(client: client, partFaults: [2: 1])
            let outcome = try await uploader.upload(file: file.path, key: "generation-videos/retried.mp4", contentType: "video/mp4",
                                                    bytes: Int64(size), sha256: file.sha256)
            #expect(outcome == .uploaded(parts: 3))
            #expect(try await Self.fetchedDigest(client, key: "generation-videos/retried.mp4", in: directory) == file.sha256)
        }
    }

    @Test("a part that keeps failing aborts the upload and leaves no parts behind")
    func abortLeavesNothing() async throws {
        try await withBucket(smallParts: true) { client, directory in
            let size = 16 << 20
            let file = try Self.makeFile(bytes: size, in: directory)
            let uploader = S3Uploader(client: client, partFaults: [3: 99])
            await #expect(throws: S3Error.self) {
                try await uploader.upload(file: file.path, key: "generation-videos/doomed.mp4", contentType: "video/mp4",
                                          bytes: Int64(size), sha256: file.sha256)
            }
            #expect(try await client.listMultipartUploads().isEmpty)
            #expect(try await client.headObject("generation-videos/doomed.mp4") == nil)
        }
    }

    @Test("the same bytes at the same key are not uploaded twice; other bytes replace them")
    func noSecondUpload() async throws {
        try await withBucket { client, directory in
            let file = try Self.makeFile(bytes: 50_000, in: directory)
            let uploader = S3Uploader(client: client)
            let key = "generation-videos/once.mp4"
            #expect(try await uploader.upload(file: file.path, key: key, contentType: "video/mp4", bytes: 50_000, sha256: file.sha256) == .uploaded(parts: 1))
            #expect(try await uploader.upload(file: file.path, key: key, contentType: "video/mp4", bytes: 50_000, sha256: file.sha256) == .alreadyPresent)
            let other = try Self.makeFile(bytes: 50_001, in: directory)
            #expect(try await uploader.upload(file: other.path, key: key, contentType: "video/mp4", bytes: 50_001, sha256: other.sha256) == .uploaded(parts: 1))
        }
    }

    @Test("an object that is not the bytes and digest expected fails the upload's check")
    func digestMismatchCaught() async throws {
        try await withBucket { client, directory in
            let file = try Self.makeFile(bytes: 1_000, in: directory)
            let other = try Self.makeFile(bytes: 1_001, in: directory)
            // Told the file is another one (its size and digest): the HEAD check after the upload sees
            // that what S3 holds is not that, and the upload fails rather than report success.
            await #expect(throws: S3Error.self) {
                try await S3Uploader(client: client).upload(file: file.path, key: "k.mp4", contentType: "video/mp4", bytes: 1_001, sha256: other.sha256)
            }
        }
    }

    @Test("signatures match botocore's SigV4 for the same request")
    func botocoreAgrees() throws {
        let python = try PythonTools.path("python3")
        let signer = AWSSignatureV4(credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                    region: "eu-west-1")
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        let timestamp = AWSSignatureV4.timestamp(date)
        let payload = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        let headers = [("host", "127.0.0.1:9000"), ("x-amz-date", timestamp), ("x-amz-content-sha256", payload),
                       ("content-type", "video/mp4"), ("x-amz-meta-sha256", "abc")]
        let ours = signer.authorization(method: "PUT", path: "/videos/ws 1/generation-videos/a$b+c.mp4",
                                        query: [("uploadId", "x/y=z"), ("partNumber", "2")], headers: headers, payloadHash: payload, date: date)
        let script = """
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        request = AWSRequest(method="PUT", url="http://127.0.0.1:9000/videos/ws%201/generation-videos/a%24b%2Bc.mp4?uploadId=x%2Fy%3Dz&partNumber=2",
                             headers={"x-amz-content-sha256": "\(payload)", "content-type": "video/mp4", "x-amz-meta-sha256": "abc"})
        request.context["timestamp"] = "\(timestamp)"
        request.headers["X-Amz-Date"] = "\(timestamp)"
        auth = S3SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "s3", "eu-west-1")
        canonical = auth.canonical_request(request)
        print(auth.signature(auth.string_to_sign(request, canonical), request))
        """
        let (status, output) = try runTool(python, ["-c", script])
        #expect(status == 0, "\(output)")
        let theirs = output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(theirs.count == 64)
        #expect(ours.hasSuffix("Signature=\(theirs)"))
    }
}
