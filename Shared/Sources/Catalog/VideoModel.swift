/// One video model RoomReel can route jobs to.
public struct VideoModel: Sendable, Equatable, Codable {
    /// How the model takes its input.
    public enum InputMode: String, Sendable, Codable {
        case textToVideo = "text-to-video"
        case imageToVideo = "image-to-video"
        case twoImage = "two-image"
        case multiImage = "multi-image"
    }

    public var id: String
    /// The provider adapter that runs it (`local`, `replicate`, `kling`, …).
    public var provider: String
    public var providerModelID: String
    /// Flat price of one video, in credits.
    public var credits: Int64
    public var inputModes: [InputMode]
    public var minDurationSeconds: Double
    public var maxDurationSeconds: Double
    public var aspectRatios: [AspectRatio]
    /// Camera moves it renders; empty when it takes a prompt instead.
    public var cameraMotions: [CameraMotion]
    /// Typical seconds from submission to a finished video.
    public var typicalLatencySeconds: Int
}
