import Foundation
import ObjectStorage
import Testing

/// The worked examples of the S3 API reference ("Authenticating Requests: Using the Authorization
/// Header" and "Query String Authentication") and of the AWS SigV4 test suite.
@Suite("AWS Signature V4 against the documented vectors")
struct AWSSignatureV4Tests {
    static let s3 = AWSSignatureV4(credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                                               secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                   region: "us-east-1")
    static let may2013 = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z
    static let host = "examplebucket.s3.amazonaws.com"

    @Test("the timestamp is x-amz-date's form in UTC")
    func timestamp() {
        #expect(AWSSignatureV4.timestamp(Self.may2013) == "20130524T000000Z")
        #expect(AWSSignatureV4.timestamp(Date(timeIntervalSince1970: 1_440_938_160)) == "20150830T123600Z")
    }

    @Test("GET object with a Range header")
    func getObject() {
        let authorization = Self.s3.authorization(
            method: "GET", path: "/test.txt", query: [],
            headers: [("Host", Self.host), ("Range", "bytes=0-9"), ("x-amz-content-sha256", AWSSignatureV4.emptyPayloadHash),
                      ("x-amz-date", "20130524T000000Z")],
            payloadHash: AWSSignatureV4.emptyPayloadHash, date: Self.may2013)
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test("PUT object: a key with $ is encoded once, the payload hash is the body's")
    func putObject() {
        let payloadHash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"  // "Welcome to Amazon S3."
        let authorization = Self.s3.authorization(
            method: "PUT", path: "/test$file.text", query: [],
            headers: [("Host", Self.host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-date", "20130524T000000Z"),
                      ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", payloadHash)],
            payloadHash: payloadHash, date: Self.may2013)
        #expect(authorization.hasSuffix("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"))
    }

    @Test("GET bucket lifecycle: a parameter with no value")
    func lifecycle() {
        let authorization = Self.s3.authorization(
            method: "GET", path: "/", query: [("lifecycle", "")],
            headers: [("Host", Self.host), ("x-amz-date", "20130524T000000Z"), ("x-amz-content-sha256", AWSSignatureV4.emptyPayloadHash)],
            payloadHash: AWSSignatureV4.emptyPayloadHash, date: Self.may2013)
        #expect(authorization.hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"))
    }

    @Test("list objects: parameters sorted by name")
    func listObjects() {
        let authorization = Self.s3.authorization(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [("Host", Self.host), ("x-amz-date", "20130524T000000Z"), ("x-amz-content-sha256", AWSSignatureV4.emptyPayloadHash)],
            payloadHash: AWSSignatureV4.emptyPayloadHash, date: Self.may2013)
        #expect(authorization.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
    }

    @Test("presigned GET URL valid for a day")
    func presigned() {
        let url = Self.s3.presignedURL(method: "GET", scheme: "https", host: Self.host, path: "/test.txt", expires: 86400, date: Self.may2013)
        #expect(url == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test("SigV4 test suite: get-vanilla and get-vanilla-query-order-key-case")
    func testSuite() {
        let signer = AWSSignatureV4(credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                                    region: "us-east-1", service: "service")
        let date = Date(timeIntervalSince1970: 1_440_938_160)
        let headers = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]
        let vanilla = signer.authorization(method: "GET", path: "/", query: [], headers: headers,
                                           payloadHash: AWSSignatureV4.emptyPayloadHash, date: date)
        #expect(vanilla == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        let ordered = signer.authorization(method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")], headers: headers,
                                           payloadHash: AWSSignatureV4.emptyPayloadHash, date: date)
        #expect(ordered.hasSuffix("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
    }

    @Test("encoding keeps only the unreserved characters")
    func encoding() {
        #expect(AWSSignatureV4.encode("a b/c~d.e_f-g$é") == "a%20b%2Fc~d.e_f-g%24%C3%A9")
        #expect(AWSSignatureV4.encodePath("ws/generation-videos/x y.mp4") == "/ws/generation-videos/x%20y.mp4")
    }

    @Test("S3 URLs in path style and virtual-host style")
    func urlStyles() {
        let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let virtual = S3Client(settings: S3Settings(endpoint: URL(string: "https://s3.eu-west-1.amazonaws.com")!, region: "eu-west-1",
                                                    bucket: "videos", credentials: credentials, pathStyle: false))
        #expect(virtual.presignedGetURL("a b/c.mp4", expires: 60, date: Self.may2013)
            .hasPrefix("https://videos.s3.eu-west-1.amazonaws.com/a%20b/c.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"))
        let path = S3Client(settings: S3Settings(endpoint: URL(string: "http://minio:9000")!, bucket: "videos", credentials: credentials))
        #expect(path.presignedGetURL("c.mp4", expires: 60, date: Self.may2013).hasPrefix("http://minio:9000/videos/c.mp4?"))
        // Supabase Storage's S3 endpoint has a path of its own, which comes before the bucket.
        let supabase = S3Client(settings: S3Settings(endpoint: URL(string: "https://project.supabase.co/storage/v1/s3")!, bucket: "videos",
                                                     credentials: credentials))
        #expect(supabase.presignedGetURL("c.mp4", expires: 60, date: Self.may2013).hasPrefix("https://project.supabase.co/storage/v1/s3/videos/c.mp4?"))
        let links = VideoLinks(storage: .s3(S3Settings(endpoint: URL(string: "http://minio:9000")!, bucket: "videos", credentials: credentials,
                                                       publicBaseURL: "https://cdn.example.com/videos")))
        #expect(links.url(for: "x/generation-videos/j 1.mp4", localBaseURL: "http://api") == "https://cdn.example.com/videos/x/generation-videos/j%201.mp4")
        #expect(VideoLinks(storage: .local).url(for: "generation-videos/j.mp4", localBaseURL: "http://api") == "http://api/media/generation-videos/j.mp4")
    }
}
