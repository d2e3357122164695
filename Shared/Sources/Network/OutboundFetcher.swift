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
}

/// Fetches URLs that someone else chose (clients' image URLs, providers' outputs) through libcurl,
/// safely: http and https only (redirects too), at most `maximumRedirects` redirects, every address
/// connected to checked by `OutboundAddressPolicy` (after DNS, on every redirect: libcurl's
/// open-socket callback sees the real address), no proxy from the environment, the body streamed and
/// cut off at `maximumBytes`, and overall and connect time limits. Each transfer runs on its own
/// thread, off the cooperative pool.
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

    /// Streams the body of `url` into `file` (created or truncated); on failure the file is removed.
    public func download(_ url: URL, to file: URL) async throws(OutboundFetchError) -> FetchedResource {
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = try? FileHandle(forWritingTo: file) else {
            throw .transport("cannot write \(file.path)")
        }
        do {
            let fetched = try await perform(url, sink: .file(handle))
            try? handle.synchronize()
            try? handle.close()
            return fetched
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// The body of `url` in memory (for small things: a photo, within `maximumBytes`).
    public func fetch(_ url: URL) async throws(OutboundFetchError) -> (FetchedResource, Data) {
        let buffer = CurlTransfer.Buffer()
        let fetched = try await perform(url, sink: .memory(buffer))
        return (fetched, buffer.data)
    }

    /// POSTs `body` to `url` with `headers` (name, value), never following a redirect (a 3xx is an
    /// `httpStatus` failure like any other non-2xx answer), under the same address rules. Returns the
    /// answer's status and (up to `maximumBytes` of) its body.
    public func post(_ url: URL, body: [UInt8], headers: [(name: String, value: String)]) async throws(OutboundFetchError) -> (FetchedResource, Data) {
        let buffer = CurlTransfer.Buffer()
        let upload = CurlTransfer.Upload(body: body, headers: headers.map { "\($0.name): \($0.value)" })
        let fetched = try await perform(url, sink: .memory(buffer), upload: upload)
        return (fetched, buffer.data)
    }

    private func perform(_ url: URL, sink: CurlTransfer.Sink, upload: CurlTransfer.Upload? = nil) async throws(OutboundFetchError) -> FetchedResource {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .unsupportedScheme(url.absoluteString)
        }
        let transfer = CurlTransfer(fetcher: self, url: url, sink: sink, upload: upload)
        let result: Result<FetchedResource, OutboundFetchError> = await withCheckedContinuation { continuation in
            _ = BlockingThread(name: "roomreel-fetch") { continuation.resume(returning: transfer.run()) }
        }
        return try result.get()
    }
}

/// One libcurl easy handle and the state its C callbacks reach through `Unmanaged` pointers. Used by
/// one thread at a time (the transfer's own), hence `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    enum Sink {
        case file(FileHandle)
        case memory(Buffer)
    }

    /// A POST: its body and extra header lines; sent without following redirects.
    struct Upload {
        let body: [UInt8]
        let headers: [String]
    }

    /// In-memory body (reference, so the callback can append to it).
    final class Buffer: @unchecked Sendable {
        var data = Data()
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    let fetcher: OutboundFetcher
    let url: URL
    let sink: Sink
    let upload: Upload?
    private let handle: UnsafeMutableRawPointer?
    private var received: Int64 = 0
    private var exceeded = false
    private var refusal: String?
    private var sinkFailure: String?

    init(fetcher: OutboundFetcher, url: URL, sink: Sink, upload: Upload?) {
        _ = Self.globalInit
        self.fetcher = fetcher
        self.url = url
        self.sink = sink
        self.upload = upload
        handle = curl_easy_init()
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    func run() -> Result<FetchedResource, OutboundFetchError> {
        guard let curl = handle else { return .failure(.transport("libcurl could not start a transfer")) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        var resolve: UnsafeMutablePointer<curl_slist>?
        for entry in fetcher.resolveOverrides { resolve = curl_slist_append(resolve, entry) }
        var headerLines: UnsafeMutablePointer<curl_slist>?
        for line in upload?.headers ?? [] { headerLines = curl_slist_append(headerLines, line) }
        defer {
            curl_slist_free_all(resolve)
            curl_slist_free_all(headerLines)
        }

        rr_curl_setopt_string(curl, CURLOPT_URL, url.absoluteString)
        rr_curl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")
        rr_curl_setopt_string(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        rr_curl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, upload == nil ? 1 : 0)
        if let upload {
            rr_curl_setopt_long(curl, CURLOPT_POST, 1)
            rr_curl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(upload.body.count))
            upload.body.withUnsafeBytes { body in
                // COPYPOSTFIELDS copies the bytes now, so the buffer need not outlive this call.
                if let bytes = body.baseAddress, !body.isEmpty {
                    _ = rr_curl_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes))
                }
            }
            rr_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headerLines)
        }
        rr_curl_setopt_long(curl, CURLOPT_MAXREDIRS, fetcher.maximumRedirects)
        rr_curl_setopt_string(curl, CURLOPT_PROXY, "")  // never a proxy from the environment: it would hide the real address
        rr_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        rr_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, Self.milliseconds(fetcher.timeout))
        rr_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(fetcher.connectTimeout))
        rr_curl_setopt_off(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(fetcher.maximumBytes))
        rr_curl_setopt_string(curl, CURLOPT_USERAGENT, "RoomReel/1")
        rr_curl_setopt_slist(curl, CURLOPT_RESOLVE, resolve)
        rr_curl_setopt_pointer(curl, CURLOPT_OPENSOCKETDATA, context)
        rr_curl_setopt_opensocket_function(curl) { context, _, address in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.openSocket(address!)
        }
        rr_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, context)
        rr_curl_setopt_write_function(curl) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            return transfer.write(UnsafeRawBufferPointer(start: data, count: size * count))
        }

        let code = curl_easy_perform(curl)
        var status = 0
        var effective: UnsafeMutablePointer<CChar>?
        var contentType: UnsafeMutablePointer<CChar>?
        rr_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        rr_curl_getinfo_string(curl, CURLINFO_EFFECTIVE_URL, &effective)
        rr_curl_getinfo_string(curl, CURLINFO_CONTENT_TYPE, &contentType)

        if let refusal { return .failure(.refusedAddress(refusal)) }
        if exceeded { return .failure(.tooLarge(limit: fetcher.maximumBytes)) }
        if let sinkFailure { return .failure(.transport(sinkFailure)) }
        switch code {
        case CURLE_OK:
            guard (200..<300).contains(status) else { return .failure(.httpStatus(status)) }
            return .success(FetchedResource(status: status, bytes: received, contentType: contentType.map { String(cString: $0) },
                                            finalURL: effective.map { String(cString: $0) } ?? url.absoluteString))
        case CURLE_UNSUPPORTED_PROTOCOL: return .failure(.unsupportedScheme(effective.map { String(cString: $0) } ?? url.absoluteString))
        case CURLE_COULDNT_RESOLVE_HOST: return .failure(.unresolvableHost(url.host ?? url.absoluteString))
        case CURLE_TOO_MANY_REDIRECTS: return .failure(.tooManyRedirects(fetcher.maximumRedirects))
        case CURLE_FILESIZE_EXCEEDED: return .failure(.tooLarge(limit: fetcher.maximumBytes))
        case CURLE_OPERATION_TIMEDOUT: return .failure(.timedOut)
        default: return .failure(.transport(String(cString: curl_easy_strerror(code))))
        }
    }

    /// libcurl's open-socket callback: the one place every connection's real address passes.
    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let target = withUnsafePointer(to: &address.pointee.addr) { IPAddress(socketAddress: $0) }
        guard let target else {
            refusal = "an address of an unknown family"
            return CURL_SOCKET_BAD
        }
        if let why = fetcher.policy.refusal(of: target) {
            refusal = why
            return CURL_SOCKET_BAD
        }
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }

    /// libcurl's write callback: counts and stores the body; returning less than given aborts.
    private func write(_ chunk: UnsafeRawBufferPointer) -> Int {
        received += Int64(chunk.count)
        guard received <= fetcher.maximumBytes else {
            exceeded = true
            return 0
        }
        switch sink {
        case .file(let handle):
            do {
                try handle.write(contentsOf: chunk)
            } catch {
                sinkFailure = "writing the download failed: \(error)"
                return 0
            }
        case .memory(let buffer):
            buffer.data.append(contentsOf: chunk)
        }
        return chunk.count
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
