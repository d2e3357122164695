/// The models RoomReel knows and which one each video type uses by default.
public struct ModelCatalog: Sendable {
    public var models: [VideoModel]
    public var defaults: [VideoType: String]

    public init(models: [VideoModel], defaults: [VideoType: String]) {
        self.models = models
        self.defaults = defaults
    }

    /// The model with `id`, if the catalog has it.
    public func model(id: String) -> VideoModel? {
        models.first { $0.id == id }
    }

    /// The catalog built in: the local renderer's three models. Remote models and the catalog file
    /// arrive with the router's own issue.
    public static let builtIn = ModelCatalog(
        models: [
            VideoModel(
                id: "local-camera-motion", provider: "local", providerModelID: "camera-motion",
                credits: 1, inputModes: [.imageToVideo],
                minDurationSeconds: 2, maxDurationSeconds: 10,
                aspectRatios: AspectRatio.allCases,
                cameraMotions: CameraMotion.allCases,
                typicalLatencySeconds: 5),
            VideoModel(
                id: "local-before-after", provider: "local", providerModelID: "before-after",
                credits: 2, inputModes: [.twoImage],
                minDurationSeconds: 2, maxDurationSeconds: 10,
                aspectRatios: AspectRatio.allCases,
                cameraMotions: [],
                typicalLatencySeconds: 5),
            VideoModel(
                id: "local-social-reel", provider: "local", providerModelID: "social-reel",
                credits: 3, inputModes: [.imageToVideo, .twoImage, .multiImage],
                minDurationSeconds: 2, maxDurationSeconds: 10,
                aspectRatios: AspectRatio.allCases,
                cameraMotions: [],
                typicalLatencySeconds: 8),
        ],
        defaults: [.cameraMotion: "local-camera-motion", .beforeAfter: "local-before-after", .socialReel: "local-social-reel"]
    )
}
