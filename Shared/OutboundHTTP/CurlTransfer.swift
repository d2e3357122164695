import BlockingIO
import CCurl
import Crypto
import EventContracts
import Foundation

/// The body an HTTP request sends.
public enum HTTPRequestBody: Sendable {
    case none
    case bytes([UInt8])
    /// `length` bytes of the file at `path` from `offset`, read as they are sent (never whole in
    /// memory): how object-storage uploads send a video or one part of it.
    case file(path: String, offset: Int64, length: Int64)
}

/// Everything one libcurl transfer needs to know. `policy` nil means the endpoint is one the operator
/// configured (object storage), so no address rule applies; anything a client or provider chose
/// goes through `OutboundFetcher`, which always sets one.
struct CurlRequest {
    var url: URL
    var method = "GET"
    var headers: [String] = []
    var body = HTTPRequestBody.none
    var followRedirects = true
    var policy: OutboundAddressPolicy?
    var maximumBytes: Int64
    var timeout: Duration
    var connectTimeout: Duration
    var maximumRedirects = 3
    var resolveOverrides: [String] = []
    /// Drops the connection after this many body bytes were sent: how tests make an upload fail
    /// half-way against a real server.
    var breakUploadAfter: Int64?

    /// Which pooled handles (and so which open connections) this transfer may reuse: those opened
    /// under the same address rules. Nil (a fresh handle, never pooled) when the transfer pins names
    /// to addresses, which would stay in the handle's DNS cache, or is meant to break its connection.
    var connectionClass: String? {
        guard resolveOverrides.isEmpty, breakUploadAfter == nil else { return nil }
        guard let policy else { return "configured" }
        return "checked:" + policy.allowed.map(\.description).joined(separator: ",")
    }
}

/// What came back, whatever the status.
struct CurlAnswer {
    var status: Int
    var bodyBytes: Int64
    var contentType: String?
    var finalURL: String
    /// The final answer's header fields, names lower-cased, in order.
    var headers: [(name: String, value: String)]
    /// SHA-256 (hex) of a body streamed to a file.
    var bodySHA256: String?
}

/// One libcurl easy handle and the state its C callbacks reach through `Unmanaged` pointers. Used by
/// one thread at a time (the transfer's own), hence `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    enum Sink {
        case file(FileHandle)
        case memory(Buffer)
    }

    /// In-memory body (reference, so the callback can append to it).
    final class Buffer: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    let request: CurlRequest
    let sink: Sink
    private let easy: CurlEasyHandle?
    private var received: Int64 = 0
    private var exceeded = false
    private var refusal: String?
    private var sinkFailure: String?
    private var uploadFile: Int32 = -1
    private var uploadSent: Int64 = 0
    private var headerLines: [(name: String, value: String)] = []
    private var bodyHasher = SHA256()

    /// The threads transfers run on (libcurl blocks), off the cooperative pool.
    private static let workers = BlockingWorkers(name: "roomreel-http")

    /// Runs `request` on one of the transfer threads.
    static func perform(_ request: CurlRequest, sink: Sink) async throws(OutboundFetchError) -> CurlAnswer {
        let transfer = CurlTransfer(request: request, sink: sink)
        return try await workers.run { transfer.run() }.get()
    }

    /// Runs `request` with its body streamed into `file` (created or truncated) and synced; the file
    /// is removed when the transfer fails or the answer is not a 2xx.
    static func download(_ request: CurlRequest, to file: URL) async throws(OutboundFetchError) -> CurlAnswer {
        guard FileManager.default.createFile(atPath: file.path, contents: nil), let handle = try? FileHandle(forWritingTo: file) else {
            throw .transport("cannot write \(file.path)")
        }
        let answer: CurlAnswer
        do {
            answer = try await perform(request, sink: .file(handle))
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: file)
            throw error
        }
        try? handle.synchronize()
        try? handle.close()
        if !(200..<300).contains(answer.status) { try? FileManager.default.removeItem(at: file) }
        return answer
    }

    private init(request: CurlRequest, sink: Sink) {
        _ = Self.globalInit
        self.request = request
        self.sink = sink
        easy = request.connectionClass.map { CurlHandlePool.shared.take($0) } ?? CurlEasyHandle()
    }

    deinit {
        if uploadFile >= 0 { close(uploadFile) }
    }

    private func run() -> Result<CurlAnswer, OutboundFetchError> {
        guard let easy else { return .failure(.transport("libcurl could not start a transfer")) }
        let curl = easy.pointer
        // Declared first, so it runs last: the handle goes back only once nothing here touches it.
        defer { if let connectionClass = request.connectionClass { CurlHandlePool.shared.giveBack(easy, connectionClass: connectionClass) } }
        let context = Unmanaged.passUnretained(self).toOpaque()
        var resolve: UnsafeMutablePointer<curl_slist>?
        for entry in request.resolveOverrides { resolve = curl_slist_append(resolve, entry) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for line in request.headers { headerList = curl_slist_append(headerList, line) }
        defer {
            curl_slist_free_all(resolve)
            curl_slist_free_all(headerList)
        }

        rr_curl_setopt_string(curl, CURLOPT_URL, request.url.absoluteString)
        rr_curl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")
        rr_curl_setopt_string(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        rr_curl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        switch request.body {
        case .none:
            if request.method == "HEAD" {
                rr_curl_setopt_long(curl, CURLOPT_NOBODY, 1)
            } else if request.method != "GET" {
                rr_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, request.method)
            }
        case .bytes(let body):
            rr_curl_setopt_long(curl, CURLOPT_POST, 1)
            rr_curl_setopt_off(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { body in
                // COPYPOSTFIELDS copies the bytes now, so the buffer need not outlive this call.
                if let bytes = body.baseAddress, !body.isEmpty {
                    _ = rr_curl_setopt_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes))
                }
            }
            if request.method != "POST" { rr_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, request.method) }
        case .file(let path, _, let length):
            uploadFile = open(path, O_RDONLY | O_CLOEXEC)
            guard uploadFile >= 0 else { return .failure(.transport("cannot read \(path)")) }
            uploadSent = 0
            rr_curl_setopt_long(curl, CURLOPT_UPLOAD, 1)
            rr_curl_setopt_off(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(length))
            if request.method != "PUT" { rr_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, request.method) }
            rr_curl_setopt_pointer(curl, CURLOPT_READDATA, context)
            rr_curl_setopt_read_function(curl) { buffer, size, count, context in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                return transfer.readUpload(into: buffer!, capacity: size * count)
            }
            // Without this libcurl asks "Expect: 100-continue" and may wait a second for an answer
            // that some servers never send.
            headerList = curl_slist_append(headerList, "Expect:")
        }
        rr_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList)
        rr_curl_setopt_long(curl, CURLOPT_MAXREDIRS, request.maximumRedirects)
        rr_curl_setopt_string(curl, CURLOPT_PROXY, "")  // never a proxy from the environment: it would hide the real address
        rr_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        rr_curl_setopt_long(curl, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        rr_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        if request.method != "HEAD" {  // libcurl would hold a HEAD's Content-Length against the limit
            rr_curl_setopt_off(curl, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maximumBytes))
        }
        rr_curl_setopt_string(curl, CURLOPT_USERAGENT, "RoomReel/1")
        // Reads of up to 256 KiB rather than libcurl's 16 KiB: a photo arrives in a few system calls
        // and callbacks instead of a dozen.
        rr_curl_setopt_long(curl, CURLOPT_BUFFERSIZE, 256 << 10)
        rr_curl_setopt_slist(curl, CURLOPT_RESOLVE, resolve)
        if request.policy != nil {
            rr_curl_setopt_pointer(curl, CURLOPT_OPENSOCKETDATA, context)
            rr_curl_setopt_opensocket_function(curl) { context, _, address in
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
                return transfer.openSocket(address!)
            }
        }
        rr_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, context)
        rr_curl_setopt_header_function(curl) { data, size, count, context in
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
            transfer.headerLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
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
        let finalURL = effective.map { String(cString: $0) } ?? request.url.absoluteString

        if let refusal { return .failure(.refusedAddress(refusal)) }
        if exceeded { return .failure(.tooLarge(limit: request.maximumBytes)) }
        if let sinkFailure { return .failure(.transport(sinkFailure)) }
        switch code {
        case CURLE_OK:
            var digest: String?
            if case .file = sink { digest = bodyHasher.finalize().hexEncoded }
            return .success(CurlAnswer(status: status, bodyBytes: received, contentType: contentType.map { String(cString: $0) },
                                       finalURL: finalURL, headers: headerLines, bodySHA256: digest))
        case CURLE_UNSUPPORTED_PROTOCOL: return .failure(.unsupportedScheme(finalURL))
        case CURLE_COULDNT_RESOLVE_HOST: return .failure(.unresolvableHost(request.url.host ?? request.url.absoluteString))
        case CURLE_TOO_MANY_REDIRECTS: return .failure(.tooManyRedirects(request.maximumRedirects))
        case CURLE_FILESIZE_EXCEEDED: return .failure(.tooLarge(limit: request.maximumBytes))
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
        if let why = request.policy?.refusal(of: target) {
            refusal = why
            return CURL_SOCKET_BAD
        }
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }

    /// libcurl's read callback for a file body: the next bytes of the range, read with pread(2).
    private func readUpload(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        guard case .file(_, let offset, let length) = request.body else { return 0 }
        if let breakAfter = request.breakUploadAfter, uploadSent >= breakAfter { return rr_curl_readfunc_abort }
        var wanted = min(Int64(capacity), length - uploadSent)
        if let breakAfter = request.breakUploadAfter { wanted = min(wanted, max(breakAfter - uploadSent, 1)) }
        guard wanted > 0 else { return 0 }
        let count = pread(uploadFile, buffer, Int(wanted), off_t(offset + uploadSent))
        guard count > 0 else { return rr_curl_readfunc_abort }
        uploadSent += Int64(count)
        return count
    }

    /// libcurl's header callback: keeps the final answer's fields (a new status line, after a
    /// redirect or a 100 Continue, starts them afresh).
    /// Works on the bytes (every answer has a dozen lines, and Foundation's trimming showed in profiles).
    private func headerLine(_ raw: UnsafeRawBufferPointer) {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") }
        guard let first = raw.firstIndex(where: { !isBlank($0) }), let last = raw.lastIndex(where: { !isBlank($0) }) else { return }
        let line = raw[first...last]
        if line.starts(with: "HTTP/".utf8) {
            headerLines.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let valueStart = line[(colon + 1)...].firstIndex(where: { !isBlank($0) }) ?? line.endIndex
        headerLines.append((name, String(decoding: line[valueStart...], as: UTF8.self)))
    }

    /// libcurl's write callback: counts and stores the body; returning less than given aborts.
    private func write(_ chunk: UnsafeRawBufferPointer) -> Int {
        received += Int64(chunk.count)
        guard received <= request.maximumBytes else {
            exceeded = true
            return 0
        }
        switch sink {
        case .file(let handle):
            bodyHasher.update(bufferPointer: chunk)
            do {
                try handle.write(contentsOf: chunk)
            } catch {
                sinkFailure = "writing the download failed: \(error)"
                return 0
            }
        case .memory(let buffer):
            if buffer.bytes.isEmpty, let curl = easy?.pointer {
                // Room for the whole body at once when its length is announced (photos are tens of
                // kilobytes: growing the array chunk by chunk copied them over and over).
                var announced: curl_off_t = -1
                rr_curl_getinfo_off(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced)
                if announced > 0, Int64(announced) <= request.maximumBytes { buffer.bytes.reserveCapacity(Int(announced)) }
            }
            buffer.bytes.append(contentsOf: chunk)
        }
        return chunk.count
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
