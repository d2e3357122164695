/// A stable, documented error code that clients can switch on.
///
/// This list is the one declaration of the codes: the OpenAPI document's `ErrorCode` schema, the
/// table in `docs/api.md` and the error-catalogue tests are held to `allCases`.
public enum ErrorCode: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The request body or a field is malformed.
    case invalidRequest = "INVALID_REQUEST"
    /// A required image was not sent.
    case imageRequired = "IMAGE_REQUIRED"
    /// The image could not be read as a supported picture.
    case invalidImage = "INVALID_IMAGE"
    /// The image is smaller than the minimum (512×512).
    case imageTooSmall = "IMAGE_TOO_SMALL"
    /// The image is larger than the maximum (8192 px a side, 20 MB).
    case imageTooLarge = "IMAGE_TOO_LARGE"
    /// A photo URL that RoomReel will not fetch: not http(s), or an address that is not public.
    case imageURLRefused = "IMAGE_URL_REFUSED"
    /// A photo URL could not be fetched (unreachable, timed out, not a 2xx answer, too many redirects).
    case imageFetchFailed = "IMAGE_FETCH_FAILED"
    /// A webhook URL that RoomReel will not call: not http(s), malformed, or a non-public address.
    case webhookURLRefused = "WEBHOOK_URL_REFUSED"
    /// An `Idempotency-Key` sent again within 24 hours with a different request.
    case idempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
    /// No or a wrong API key.
    case unauthorized = "UNAUTHORIZED"
    /// The resource does not exist (or belongs to another workspace).
    case notFound = "NOT_FOUND"
    /// The route exists but not with this HTTP method; the answer's `Allow` header lists the ones it has.
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    /// The request body is larger than allowed.
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    /// The workspace's balance is below the job's price; details carry `required` and `balance`.
    case insufficientCredits = "INSUFFICIENT_CREDITS"
    /// The workspace sent more job requests than its rate allows; the answer's `Retry-After` says
    /// when to try again, and details carry `jobs_per_minute`, `burst` and `retry_after_seconds`.
    case rateLimited = "RATE_LIMITED"
    /// The workspace has as many jobs in flight as it may; details carry `active_jobs` and
    /// `max_active_jobs`, and `Retry-After` suggests when to try again.
    case tooManyActiveJobs = "TOO_MANY_ACTIVE_JOBS"
    /// No model can do the job now.
    case modelUnavailable = "MODEL_UNAVAILABLE"
    /// The model asked for cannot do what the request asks (mode, duration, motion, ratio).
    case modelCannotDo = "MODEL_CANNOT_DO"
    /// More photos than the model can use; details carry `maximum_images` and `images`.
    case tooManyImages = "TOO_MANY_IMAGES"
    /// The prompt is longer than allowed.
    case promptTooLong = "PROMPT_TOO_LONG"
    /// The provider failed to generate the video.
    case generationFailed = "GENERATION_FAILED"
    /// The provider refused the content (its moderation).
    case contentRejected = "CONTENT_REJECTED"
    /// The provider failed on its side (5xx, malformed answers, retries exhausted).
    case providerError = "PROVIDER_ERROR"
    /// The provider refused RoomReel's credentials.
    case providerAuthFailed = "PROVIDER_AUTH_FAILED"
    /// The provider did not finish within the model's time limit.
    case generationTimeout = "GENERATION_TIMEOUT"
    /// The provider's output could not be fetched.
    case outputUnavailable = "OUTPUT_UNAVAILABLE"
    /// The provider's output is not a playable video.
    case outputInvalid = "OUTPUT_INVALID"
    /// An event on the bus could not be decoded (logged by the consumer; no client sees it).
    case invalidEvent = "INVALID_EVENT"
    /// Something failed inside RoomReel.
    case internalError = "INTERNAL_ERROR"

    public var description: String { rawValue }

    /// The HTTP status of an API answer with this code.
    public var httpStatus: Int {
        switch self {
        case .unauthorized: 401
        case .insufficientCredits: 402
        case .notFound: 404
        case .methodNotAllowed: 405
        case .payloadTooLarge: 413
        case .modelCannotDo, .tooManyImages, .modelUnavailable, .idempotencyKeyReused: 422
        case .rateLimited, .tooManyActiveJobs: 429
        case .internalError: 500
        default: 400
        }
    }

    /// Whether a request can be answered with this code. The others reach clients only as a failed
    /// job's `error` (or, for `INVALID_EVENT`, not at all).
    public var answersRequests: Bool {
        switch self {
        case .generationFailed, .contentRejected, .providerError, .providerAuthFailed, .generationTimeout,
             .outputUnavailable, .outputInvalid, .invalidEvent: false
        default: true
        }
    }
}

/// An error with a stable code and a message for people; `details` carries machine-readable context.
public struct RoomReelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var details: [String: Int64]

    public init(_ code: ErrorCode, _ message: String, details: [String: Int64] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }
}
