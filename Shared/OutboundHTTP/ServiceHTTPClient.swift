import Foundation

/// An HTTP answer whatever its status: callers of provider APIs need the 4xx and 5xx bodies and the
/// `Retry-After` of a 429 as much as the 2xx ones.
public struct HTTPAnswer: Sendable {
    public var status: Int
    /// Header fields of the answer, names lower-cased, in order.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// `Retry-After` in seconds (the delta-seconds form; an HTTP date is read as absent).
    public var retryAfterSeconds: Double? {
        header("retry-after").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map { max(0, $0) }
    }
}

/// Calls to HTTP APIs the operator configured (the providers' APIs, a simulator): libcurl on a thread
/// of its own, time limits, no redirects followed, an answer of any status returned rather than
/// thrown. No address rule applies: the endpoint was chosen by configuration, not by a client. URLs
/// a client or provider chose go through `OutboundFetcher` instead.
public struct ServiceHTTPClient: Sendable {
    public var timeout: Duration
    public var connectTimeout: Duration
    /// The most body bytes read from an answer.
    public var maximumAnswerBytes: Int64

    public init(timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), maximumAnswerBytes: Int64 = 8 << 20) {
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maximumAnswerBytes = maximumAnswerBytes
    }

    /// Sends one request. Throws only when no answer came (connection refused, timed out, too large).
    public func send(_ method: String, _ url: URL, headers: [(name: String, value: String)] = [],
                     body: [UInt8]? = nil) async throws(OutboundFetchError) -> HTTPAnswer {
        try await send(method, url, headers: headers, content: body.map { .bytes($0) } ?? .none)
    }

    /// Sends one request whose body may be a range of a file, read as it is sent (object-storage
    /// uploads). `breakUploadAfter` drops the connection after that many body bytes: how tests make an
    /// upload fail half-way against a real server.
    public func send(_ method: String, _ url: URL, headers: [(name: String, value: String)], content: HTTPRequestBody,
              breakUploadAfter: Int64? = nil) async throws(OutboundFetchError) -> HTTPAnswer {
        var request = CurlRequest(url: url, maximumBytes: maximumAnswerBytes, timeout: timeout, connectTimeout: connectTimeout)
        request.method = method
        request.headers = headers.map { "\($0.name): \($0.value)" }
        request.followRedirects = false
        request.body = content
        request.breakUploadAfter = breakUploadAfter
        let buffer = CurlTransfer.Buffer()
        let answer = try await CurlTransfer.perform(request, sink: .memory(buffer))
        return HTTPAnswer(status: answer.status, headers: answer.headers, body: Data(buffer.bytes))
    }

    /// Sends `json` (already encoded) with `Content-Type: application/json`.
    public func sendJSON(_ method: String, _ url: URL, headers: [(name: String, value: String)] = [],
                         json: Data) async throws(OutboundFetchError) -> HTTPAnswer {
        try await send(method, url, headers: headers + [("Content-Type", "application/json")], body: Array(json))
    }

    /// Streams the body of `url` into `file` (following up to 3 redirects: file services hand out
    /// storage links) and returns the status; on a non-2xx answer the file is removed.
    public func download(_ url: URL, headers: [(name: String, value: String)] = [], to file: URL,
                         maximumBytes: Int64 = 2 << 30) async throws(OutboundFetchError) -> Int {
        var request = CurlRequest(url: url, maximumBytes: maximumBytes, timeout: .seconds(600), connectTimeout: connectTimeout)
        request.headers = headers.map { "\($0.name): \($0.value)" }
        return try await CurlTransfer.download(request, to: file).status
    }
}
