/// A stable, documented error code that clients can switch on.
public struct ErrorCode: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The request body or a field is malformed.
    public static let invalidRequest = ErrorCode(rawValue: "INVALID_REQUEST")
    /// A required image was not sent.
    public static let imageRequired = ErrorCode(rawValue: "IMAGE_REQUIRED")
    /// The image could not be read as a supported picture.
    public static let invalidImage = ErrorCode(rawValue: "INVALID_IMAGE")
    /// The image is smaller than the minimum (512×512).
    public static let imageTooSmall = ErrorCode(rawValue: "IMAGE_TOO_SMALL")
    /// The image is larger than the maximum (8192 px a side, 20 MB).
    public static let imageTooLarge = ErrorCode(rawValue: "IMAGE_TOO_LARGE")
    /// A photo URL that RoomReel will not fetch: not http(s), or an address that is not public.
    public static let imageURLRefused = ErrorCode(rawValue: "IMAGE_URL_REFUSED")
    /// A photo URL could not be fetched (unreachable, timed out, not a 2xx answer, too many redirects).
    public static let imageFetchFailed = ErrorCode(rawValue: "IMAGE_FETCH_FAILED")
    /// A webhook URL that RoomReel will not call: not http(s), malformed, or a non-public address.
    public static let webhookURLRefused = ErrorCode(rawValue: "WEBHOOK_URL_REFUSED")
    /// An `Idempotency-Key` sent again within 24 hours with a different request.
    public static let idempotencyKeyReused = ErrorCode(rawValue: "IDEMPOTENCY_KEY_REUSED")
    /// No or a wrong API key.
    public static let unauthorized = ErrorCode(rawValue: "UNAUTHORIZED")
    /// The resource does not exist (or belongs to another workspace).
    public static let notFound = ErrorCode(rawValue: "NOT_FOUND")
    /// The request body is larger than allowed.
    public static let payloadTooLarge = ErrorCode(rawValue: "PAYLOAD_TOO_LARGE")
    /// The workspace's balance is below the job's price; details carry `required` and `balance`.
    public static let insufficientCredits = ErrorCode(rawValue: "INSUFFICIENT_CREDITS")
    /// No model can do the job now.
    public static let modelUnavailable = ErrorCode(rawValue: "MODEL_UNAVAILABLE")
    /// The model asked for cannot do what the request asks (mode, duration, motion, ratio).
    public static let modelCannotDo = ErrorCode(rawValue: "MODEL_CANNOT_DO")
    /// The prompt is longer than allowed.
    public static let promptTooLong = ErrorCode(rawValue: "PROMPT_TOO_LONG")
    /// The provider failed to generate the video.
    public static let generationFailed = ErrorCode(rawValue: "GENERATION_FAILED")
    /// The provider refused the content (its moderation).
    public static let contentRejected = ErrorCode(rawValue: "CONTENT_REJECTED")
    /// The provider failed on its side (5xx, malformed answers, retries exhausted).
    public static let providerError = ErrorCode(rawValue: "PROVIDER_ERROR")
    /// The provider refused RoomReel's credentials.
    public static let providerAuthFailed = ErrorCode(rawValue: "PROVIDER_AUTH_FAILED")
    /// The provider did not finish within the model's time limit.
    public static let generationTimeout = ErrorCode(rawValue: "GENERATION_TIMEOUT")
    /// The provider's output could not be fetched.
    public static let outputUnavailable = ErrorCode(rawValue: "OUTPUT_UNAVAILABLE")
    /// The provider's output is not a playable video.
    public static let outputInvalid = ErrorCode(rawValue: "OUTPUT_INVALID")
    /// An event on the bus could not be decoded.
    public static let invalidEvent = ErrorCode(rawValue: "INVALID_EVENT")
    /// Something failed inside RoomReel.
    public static let internalError = ErrorCode(rawValue: "INTERNAL_ERROR")
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
