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

    /// The catalog the skeleton ships: the local renderer's camera-motion model. Remote models and the
    /// catalog file arrive with the router's own issue.
    public static let builtIn = ModelCatalog(
        models: [
            VideoModel(
                id: "local-camera-motion", provider: "local", providerModelID: "camera-motion",
                credits: 1, inputModes: [.imageToVideo],
                minDurationSeconds: 2, maxDurationSeconds: 10,
                aspectRatios: AspectRatio.allCases,
                cameraMotions: [.zoomIn, .zoomOut, .panLeftRight, .panUp, .panDown],
                typicalLatencySeconds: 5),
        ],
        defaults: [.cameraMotion: "local-camera-motion"]
    )
}
