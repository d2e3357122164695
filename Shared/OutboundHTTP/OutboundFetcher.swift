import CCurl
import Foundation

/// Why a fetch of a URL someone else chose failed.
public enum OutboundFetchError: Error, Equatable, CustomStringConvertible {
    /// Not http or https (also for a redirect to another scheme).
    case unsupportedScheme(String)
    /// The address connected to (after DNS or a redirect) is not a public one.
    case refusedAddress(String)
    case unresolvableHost(String)
    case tooManyRedirects(Int)
    /// The body is larger than the limit (counted as it streams, whatever the headers said).
    case tooLarge(limit: Int64)
    case timedOut
    /// The final answer was not 2xx.
    case httpStatus(Int)
    case transport(String)

    public var description: String {
        switch self {
        case .unsupportedScheme(let url): "only http and https URLs can be fetched: \(url)"
        case .refusedAddress(let why): "refused to connect: \(why)"
        case .unresolvableHost(let host): "cannot resolve host \(host)"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        case .tooLarge(let limit): "the body is larger than \(limit) bytes"
        case .timedOut: "timed out"
        case .httpStatus(let status): "answered HTTP \(status)"
        case .transport(let reason): reason
        }
    }
}

/// What a successful fetch returned.
public struct FetchedResource: Sendable, Equatable {
    public let status: Int
    public let bytes: Int64
    public let contentType: String?
    /// The URL after redirects.
    public let finalURL: String
    /// SHA-256 of the body (hex), computed as it streamed; set by `download` only.
    public var sha256: String?
}

/// Fetches URLs that someone else chose (clients' image URLs, providers' outputs) through libcurl,
/// safely: http and https only (redirects too), at most `maximumRedirects` redirects, every address
/// connected to checked by `OutboundAddressPolicy` (after DNS, on every redirect: libcurl's
/// open-socket callback sees the real address), no proxy from the environment, the body streamed and
/// cut off at `maximumBytes`, and overall and connect time limits. Transfers run on reused threads off
/// the cooperative pool, and reuse connections opened earlier under the same address rules.
public struct OutboundFetcher: Sendable {
    public var policy: OutboundAddressPolicy
    public var maximumBytes: Int64
    public var timeout: Duration
    public var connectTimeout: Duration
    public var maximumRedirects: Int
    /// `host:port:address` entries that replace DNS for those names (libcurl's `CURLOPT_RESOLVE`):
    /// for pinning a name in tests; the policy still checks the address.
    public var resolveOverrides: [String]

    public init(policy: OutboundAddressPolicy = OutboundAddressPolicy(), maximumBytes: Int64, timeout: Duration = .seconds(60),
                connectTimeout: Duration = .seconds(10), maximumRedirects: Int = 3, resolveOverrides: [String] = []) {
        self.policy = policy
        self.maximumBytes = maximumBytes
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maximumRedirects = maximumRedirects
        self.resolveOverrides = resolveOverrides
    }

    /// Streams the body of `url` into `file` (created or truncated), hashing it on the way (no second
    /// read for the digest); on failure the file is removed.
    public func download(_ url: URL, to file: URL) async throws(OutboundFetchError) -> FetchedResource {
        try Self.checkScheme(url)
        return try Self.resource(try await CurlTransfer.download(request(url), to: file))
    }

    /// The body of `url` in memory (for small things: a photo, within `maximumBytes`).
    public func fetch(_ url: URL) async throws(OutboundFetchError) -> (FetchedResource, [UInt8]) {
        let buffer = CurlTransfer.Buffer()
        let fetched = try await perform(request(url), sink: .memory(buffer))
        return (fetched, buffer.bytes)
    }

    /// POSTs `body` to `url` with `headers` (name, value), never following a redirect (a 3xx is an
    /// `httpStatus` failure like any other non-2xx answer), under the same address rules. Returns the
    /// answer's status and (up to `maximumBytes` of) its body.
    public func post(_ url: URL, body: [UInt8], headers: [(name: String, value: String)]) async throws(OutboundFetchError) -> (FetchedResource, Data) {
        let buffer = CurlTransfer.Buffer()
        var post = request(url)
        post.method = "POST"
        post.body = .bytes(body)
        post.headers = headers.map { "\($0.name): \($0.value)" }
        post.followRedirects = false
        let fetched = try await perform(post, sink: .memory(buffer))
        return (fetched, Data(buffer.bytes))
    }

    private func request(_ url: URL) -> CurlRequest {
        CurlRequest(url: url, policy: policy, maximumBytes: maximumBytes, timeout: timeout, connectTimeout: connectTimeout,
                    maximumRedirects: maximumRedirects, resolveOverrides: resolveOverrides)
    }

    private func perform(_ request: CurlRequest, sink: CurlTransfer.Sink) async throws(OutboundFetchError) -> FetchedResource {
        try Self.checkScheme(request.url)
        return try Self.resource(try await CurlTransfer.perform(request, sink: sink))
    }

    private static func checkScheme(_ url: URL) throws(OutboundFetchError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .unsupportedScheme(url.absoluteString)
        }
    }

    /// A 2xx answer as the caller sees it; anything else is an `httpStatus` failure.
    private static func resource(_ answer: CurlAnswer) throws(OutboundFetchError) -> FetchedResource {
        guard (200..<300).contains(answer.status) else { throw .httpStatus(answer.status) }
        return FetchedResource(status: answer.status, bytes: answer.bodyBytes, contentType: answer.contentType, finalURL: answer.finalURL,
                               sha256: answer.bodySHA256)
    }
}
