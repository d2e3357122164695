import EventContracts

/// One video model RoomReel can route jobs to, as the catalog file describes it.
public struct VideoModel: Sendable, Equatable {
    /// How the model takes its input.
    public enum InputMode: String, Sendable, Codable, CaseIterable {
        case textToVideo = "text-to-video"
        case imageToVideo = "image-to-video"
        case twoImage = "two-image"
        case multiImage = "multi-image"
    }

    /// What a video costs.
    public enum Pricing: Sendable, Equatable {
        /// The same credits whatever the length.
        case flat(Int64)
        /// Credits per started second of video.
        case perSecond(Int64)

        /// The price of a video of `seconds`.
        public func credits(forDuration seconds: Double) -> Int64 {
            switch self {
            case .flat(let credits): credits
            case .perSecond(let credits): credits * Int64(seconds.rounded(.up))
            }
        }
    }

    public var id: String
    /// Other spellings clients may use for `id` (`kling_3_0` for `kling-v3.0`).
    public var aliases: [String]
    /// The provider adapter that runs it (`local`, `replicate`, `kling`, `google`, `luma`, `runway`, `fal`).
    public var provider: String
    /// The model's id at its provider.
    public var providerModelID: String
    public var pricing: Pricing
    public var inputModes: [InputMode]
    public var minDurationSeconds: Double
    public var maxDurationSeconds: Double
    /// The only durations the model renders, when it has a fixed set; any in min...max otherwise.
    public var allowedDurations: [Double]?
    /// The length a request without `duration` gets.
    public var defaultDurationSeconds: Double
    /// The most photos it uses.
    public var maxImages: Int
    /// Whether the shape of its video follows the input photo rather than an aspect-ratio parameter
    /// (Kling's and Wan's image-to-video): the bridge crops the photo to the requested ratio first.
    public var shapeFromPhoto: Bool
    public var aspectRatios: [AspectRatio]
    /// Camera moves it renders; empty when it takes a prompt instead.
    public var cameraMotions: [CameraMotion]
    /// Typical seconds from submission to a finished video.
    public var typicalLatencySeconds: Int
    /// How long a generation may take before it fails with `GENERATION_TIMEOUT`; nil for the
    /// bridge's default (`GENERATION_TIMEOUT_SECONDS`, 10 minutes).
    public var timeLimitSeconds: Int?
    /// Its tier in the catalog's `tiers` (cheapest first).
    public var qualityTier: String
    /// What it is good at, for people choosing a model.
    public var bestFor: String
    /// The video types it may stand in for when another model is unavailable (all, unless limited).
    public var videoTypes: [VideoType]

    public init(id: String, aliases: [String] = [], provider: String, providerModelID: String, pricing: Pricing,
                inputModes: [InputMode], minDurationSeconds: Double, maxDurationSeconds: Double, allowedDurations: [Double]? = nil,
                defaultDurationSeconds: Double? = nil, maxImages: Int? = nil, shapeFromPhoto: Bool = false, aspectRatios: [AspectRatio], cameraMotions: [CameraMotion] = [], typicalLatencySeconds: Int,
                timeLimitSeconds: Int? = nil, qualityTier: String, bestFor: String = "", videoTypes: [VideoType] = VideoType.allCases) {
        self.id = id
        self.aliases = aliases
        self.provider = provider
        self.providerModelID = providerModelID
        self.pricing = pricing
        self.inputModes = inputModes
        self.minDurationSeconds = minDurationSeconds
        self.maxDurationSeconds = maxDurationSeconds
        self.allowedDurations = allowedDurations
        self.defaultDurationSeconds = defaultDurationSeconds ?? allowedDurations?.first ?? minDurationSeconds
        self.maxImages = maxImages ?? (inputModes.contains(.multiImage) ? 10 : inputModes.contains(.twoImage) ? 2 : inputModes.contains(.imageToVideo) ? 1 : 0)
        self.shapeFromPhoto = shapeFromPhoto
        self.aspectRatios = aspectRatios
        self.cameraMotions = cameraMotions
        self.typicalLatencySeconds = typicalLatencySeconds
        self.timeLimitSeconds = timeLimitSeconds
        self.qualityTier = qualityTier
        self.bestFor = bestFor
        self.videoTypes = videoTypes
    }

    /// The length to generate for a video of `seconds`: the shortest the model offers that is at
    /// least `seconds` (a remote model's in whole seconds), or nil when `seconds` is beyond its maximum.
    /// A longer generation is trimmed to `seconds` when it is stored.
    public func generatedDuration(for seconds: Double) -> Double? {
        guard seconds <= maxDurationSeconds else { return nil }
        if let allowedDurations { return allowedDurations.sorted().first { $0 >= seconds } }
        let wanted = provider == "local" ? seconds : seconds.rounded(.up)
        return min(max(wanted, minDurationSeconds), maxDurationSeconds)
    }

    /// The lengths it offers, for messages: `5 or 10 s`, `2–10 s`.
    public var offeredDurations: String {
        guard let allowedDurations else { return "\(Self.formatted(minDurationSeconds))–\(Self.formatted(maxDurationSeconds)) s" }
        let texts = allowedDurations.map(Self.formatted)
        return (texts.count > 1 ? texts.dropLast().joined(separator: ", ") + " or " + texts.last! : texts.joined()) + " s"
    }

    static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
