import EventContracts
import Foundation
import OutboundHTTP

/// One provider's HTTP API: its base URL, the headers every call carries, and the mapping of
/// transport failures and HTTP statuses to `ProviderCallError` that all the clients share.
struct ProviderAPI: Sendable {
    let baseURL: URL
    let client: ServiceHTTPClient
    /// Headers for every call (`Authorization`, `X-Runway-Version` …), made per call (Kling's JWT expires).
    let headers: @Sendable () async throws(ProviderCallError) -> [(name: String, value: String)]

    init(baseURL: URL, client: ServiceHTTPClient = ServiceHTTPClient(),
         headers: @escaping @Sendable () async throws(ProviderCallError) -> [(name: String, value: String)]) {
        self.baseURL = baseURL
        self.client = client
        self.headers = headers
    }

    func url(_ path: String) throws(ProviderCallError) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base + path) else { throw .unavailable("cannot form a URL from \(base) and \(path)") }
        return url
    }

    /// Sends the call and returns the 2xx body; anything else becomes a `ProviderCallError`.
    /// `json` is a JSON object (`[String: Any]` of JSON values). `rejection` lets a client read its
    /// provider's error body first (moderation answers, error codes in a 200).
    func call(_ method: String, _ path: String, json: [String: Any]? = nil,
              rejection: (HTTPAnswer) -> ProviderCallError? = { _ in nil }) async throws(ProviderCallError) -> Data {
        let target = try url(path)
        var headers = try await headers()
        var body: [UInt8]?
        if let json {
            guard let encoded = try? JSONBody.encode(json) else {
                throw .rejected(RoomReelError(.internalError, "could not encode the request to \(path)"))
            }
            body = Array(encoded)
            headers.append(("Content-Type", "application/json"))
        } else if method == "POST" {
            body = []
        }
        let answer: HTTPAnswer
        do {
            answer = try await client.send(method, target, headers: headers, body: body)
        } catch {
            throw .unavailable("\(method) \(path): \(error)")
        }
        if let specific = rejection(answer) { throw specific }
        return try Self.check(answer, what: "\(method) \(path)")
    }

    /// The body of a 2xx answer, or the error its status means.
    static func check(_ answer: HTTPAnswer, what: String) throws(ProviderCallError) -> Data {
        let text = String(decoding: answer.body.prefix(500), as: UTF8.self)
        switch answer.status {
        case 200..<300:
            return answer.body
        case 401, 403:
            throw .authFailed("\(what) answered \(answer.status): \(text)")
        case 404:
            throw .unknownTask("\(what) answered 404: \(text)")
        case 408, 409, 425, 500...599:
            throw .unavailable("\(what) answered \(answer.status): \(text)")
        case 429:
            throw .rateLimited(retryAfter: answer.retryAfterSeconds, message: "\(what) answered 429: \(text)")
        default:
            let code: ErrorCode = ModerationText.matches(text) ? .contentRejected : .generationFailed
            throw .rejected(RoomReelError(code, "\(what) answered \(answer.status): \(text)"))
        }
    }

    /// Decodes a provider's JSON answer.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, what: String) throws(ProviderCallError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw .unavailable("\(what): unreadable answer (\(error)): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
    }
}

/// Recognises a provider's moderation refusal in its error text: providers say it in words rather
/// than codes (Replicate's "flagged as sensitive", Kling's "risk control", Veo's RAI filter reasons).
enum ModerationText {
    static let markers = ["nsfw", "sensitive", "flagged", "moderation", "safety", "content policy", "risk control", "inappropriate", "rai "]

    static func matches(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return markers.contains { lowered.contains($0) }
    }

    /// A provider's failure message as the job's error: `CONTENT_REJECTED` for a moderation refusal,
    /// `GENERATION_FAILED` otherwise.
    static func jobError(provider: String, message: String) -> RoomReelError {
        RoomReelError(matches(message) ? .contentRejected : .generationFailed, "\(provider): \(message)")
    }
}
