import Crypto
import EventContracts
import Foundation
import Hummingbird
import OutboundHTTP
import Testing
import TestSupport

/// A real HTTP server on loopback with the answers the fetcher must cope with.
private func withTestServer(_ body: @Sendable (Int) async throws -> Void) async throws {
    let router = Router()
    router.get("/photo") { _, _ in Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(repeating: 0xAB, count: 4_000))) }
    router.get("/big") { _, _ in
        // Streamed in chunks with no Content-Length: only counting the bytes can stop it.
        Response(status: .ok, body: .init { writer in
            for _ in 0..<64 { try await writer.write(ByteBuffer(repeating: 0x42, count: 32_768)) }
            try await writer.finish(nil)
        })
    }
    router.get("/missing") { _, _ in Response(status: .notFound) }
    router.get("/to/:target") { request, context in
        let target = try context.parameters.require("target")
        let location = switch target {
        case "private": "http://10.255.255.1/secret"
        case "metadata": "http://169.254.169.254/latest/meta-data/"
        case "other-loopback": "http://127.0.0.2:\(request.uri.port ?? 80)/photo"
        case "file": "file:///etc/passwd"
        default: "/photo"
        }
        return Response(status: .found, headers: [.location: location])
    }
    router.get("/chain/:hops") { _, context in
        let hops = try context.parameters.require("hops", as: Int.self)
        return Response(status: .found, headers: [.location: hops == 0 ? "/photo" : "/chain/\(hops - 1)"])
    }
    router.get("/slow") { _, _ in
        try await Task.sleep(for: .seconds(4))
        return Response(status: .ok)
    }
    try await withLoopbackServer(router, body)
}

@Suite("Outbound fetches (SSRF rules)")
struct OutboundFetcherTests {
    static let loopbackAllowed = OutboundAddressPolicy(allowed: [IPRange("127.0.0.1")!])

    @Test("private, loopback, link-local, CGNAT, metadata and other non-public addresses are refused; public ones pass", arguments: [
        ("127.0.0.1", false), ("127.8.9.10", false), ("10.1.2.3", false), ("172.16.0.1", false), ("172.31.255.255", false),
        ("192.168.1.1", false), ("169.254.169.254", false), ("100.64.0.1", false), ("100.127.255.255", false), ("0.0.0.0", false),
        ("224.0.0.1", false), ("255.255.255.255", false), ("::1", false), ("::", false), ("fe80::1", false), ("fd00:ec2::254", false),
        ("fc00::1", false), ("::ffff:127.0.0.1", false), ("::ffff:10.0.0.1", false), ("64:ff9b::a9fe:a9fe", false), ("2002:7f00:1::1", false),
        ("8.8.8.8", true), ("172.32.0.1", true), ("100.128.0.1", true), ("1.1.1.1", true), ("2606:4700:4700::1111", true), ("::ffff:8.8.8.8", true),
    ])
    func addressRules(_ text: String, allowed: Bool) throws {
        let address = try #require(IPAddress(text))
        #expect((OutboundAddressPolicy().refusal(of: address) == nil) == allowed, "\(text)")
    }

    @Test("an allow-list entry lets exactly its block through")
    func allowList() throws {
        #expect(Self.loopbackAllowed.refusal(of: IPAddress("127.0.0.1")!) == nil)
        #expect(Self.loopbackAllowed.refusal(of: IPAddress("127.0.0.2")!) != nil)
        #expect(IPRange("10.0.0.0/8")!.contains(IPAddress("10.200.1.1")!) && !IPRange("10.0.0.0/8")!.contains(IPAddress("11.0.0.1")!))
        #expect(IPRange("not an address") == nil && IPRange("10.0.0.0/33") == nil)
    }

    @Test("a fetch streams the body to a file and reports its size and type")
    func downloads() async throws {
        try await withTestServer { port in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let file = directory.url.appendingPathComponent("photo.jpg")
            let fetcher = OutboundFetcher(policy: Self.loopbackAllowed, maximumBytes: 1 << 20)
            let fetched = try await fetcher.download(URL(string: "http://127.0.0.1:\(port)/photo")!, to: file)
            #expect(fetched.status == 200 && fetched.bytes == 4_000 && fetched.contentType == "image/jpeg")
            #expect(try Data(contentsOf: file) == Data(repeating: 0xAB, count: 4_000))
            // Hashed as it streamed, and the same as a second read of the file.
            #expect(fetched.sha256 == SHA256.hash(data: Data(repeating: 0xAB, count: 4_000)).hexEncoded)
            let (viaRedirects, data) = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/chain/2")!)
            #expect(data.count == 4_000 && viaRedirects.finalURL.hasSuffix("/photo"))
        }
    }

    @Test("loopback without the allow-list is refused, also for a hostname that resolves to 127.0.0.1")
    func loopbackRefused() async throws {
        try await withTestServer { port in
            let strict = OutboundFetcher(maximumBytes: 1 << 20, resolveOverrides: ["innocent.example:\(port):127.0.0.1"])
            for url in ["http://127.0.0.1:\(port)/photo", "http://innocent.example:\(port)/photo", "http://[::ffff:127.0.0.1]:\(port)/photo"] {
                let why = await Self.refusal { try await strict.fetch(URL(string: url)!) }
                #expect(why?.contains("loopback") == true, "\(url): \(why ?? "fetched")")
            }
        }
    }

    /// The reason a fetch was refused for its address, or nil when it was not (recorded as an issue).
    static func refusal(_ fetch: () async throws -> some Any) async -> String? {
        do {
            _ = try await fetch()
            return nil
        } catch {
            guard case .refusedAddress(let why) = error as? OutboundFetchError else {
                Issue.record("failed otherwise: \(error)")
                return nil
            }
            return why
        }
    }

    @Test("a kept-alive connection is never lent across address rules: after the operator's client and an allow-listed fetch talked to loopback, a fetch under the default rules is still refused")
    func reusedConnectionsKeepTheRules() async throws {
        try await withTestServer { port in
            let url = URL(string: "http://127.0.0.1:\(port)/photo")!
            for _ in 0..<3 {
                let configured = try await ServiceHTTPClient().send("GET", url)
                #expect(configured.status == 200)
                let allowed = try await OutboundFetcher(policy: Self.loopbackAllowed, maximumBytes: 1 << 20).fetch(url)
                #expect(allowed.0.status == 200)
                let why = await Self.refusal { try await OutboundFetcher(maximumBytes: 1 << 20).fetch(url) }
                #expect(why?.contains("loopback") == true)
            }
        }
    }

    @Test("redirects are checked like the first hop: private, metadata and other loopback targets are refused; other schemes and long chains too")
    func redirects() async throws {
        try await withTestServer { port in
            let fetcher = OutboundFetcher(policy: Self.loopbackAllowed, maximumBytes: 1 << 20, connectTimeout: .seconds(3))
            for (target, expected) in [("private", "private"), ("metadata", "metadata"), ("other-loopback", "loopback")] {
                let why = await Self.refusal { try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/to/\(target)")!) }
                #expect(why?.contains(expected) == true, "redirect to \(target): \(why ?? "followed")")
            }
            await #expect(throws: OutboundFetchError.unsupportedScheme("file:///etc/passwd")) {
                _ = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/to/file")!)
            }
            await #expect(throws: OutboundFetchError.tooManyRedirects(3)) {
                _ = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/chain/4")!)
            }
            let (_, data) = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/chain/2")!)
            #expect(data.count == 4_000, "three redirects are allowed")
        }
    }

    @Test("size, time, status and scheme limits end the fetch with their own error; a partial download is removed")
    func limits() async throws {
        try await withTestServer { port in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let file = directory.url.appendingPathComponent("big.bin")
            // Generous time for the answers that come at once (the suite shares two cores with renders);
            // a short limit only where running out of time is the point.
            let small = OutboundFetcher(policy: Self.loopbackAllowed, maximumBytes: 100_000, timeout: .seconds(30))
            let impatient = OutboundFetcher(policy: Self.loopbackAllowed, maximumBytes: 100_000, timeout: .seconds(2))
            await #expect(throws: OutboundFetchError.tooLarge(limit: 100_000)) {
                _ = try await small.download(URL(string: "http://127.0.0.1:\(port)/big")!, to: file)
            }
            #expect(!FileManager.default.fileExists(atPath: file.path))
            await #expect(throws: OutboundFetchError.timedOut) { _ = try await impatient.fetch(URL(string: "http://127.0.0.1:\(port)/slow")!) }
            await #expect(throws: OutboundFetchError.httpStatus(404)) { _ = try await small.fetch(URL(string: "http://127.0.0.1:\(port)/missing")!) }
            await #expect(throws: OutboundFetchError.unsupportedScheme("ftp://127.0.0.1/x")) { _ = try await small.fetch(URL(string: "ftp://127.0.0.1/x")!) }
        }
    }
}
