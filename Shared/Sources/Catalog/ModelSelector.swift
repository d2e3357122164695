/// The routing decision for one job: which model runs it and what it costs.
public struct RoutingDecision: Sendable, Equatable {
    public var model: VideoModel
    public var credits: Int64
}

/// Picks the model for a job: a pure function of the request and the catalog, so that api-ingress can
/// quote the same answer the router will give.
public struct ModelSelector: Sendable {
    public let catalog: ModelCatalog

    public init(catalog: ModelCatalog) {
        self.catalog = catalog
    }

    /// The model for `spec` and its price, or an error with a stable code saying why there is none.
    public func select(for spec: VideoJobSpec, imageCount: Int) throws(RoomReelError) -> RoutingDecision {
        let model: VideoModel
        if let requested = spec.model {
            guard let found = catalog.model(id: requested) else {
                throw RoomReelError(.modelUnavailable, "unknown model '\(requested)'")
            }
            model = found
        } else if let type = spec.videoType {
            guard let id = catalog.defaults[type], let found = catalog.model(id: id) else {
                throw RoomReelError(.modelUnavailable, "no model available for video_type '\(type.rawValue)' yet")
            }
            model = found
        } else {
            throw RoomReelError(.invalidRequest, "one of video_type or model is required")
        }
        try check(model, canDo: spec, imageCount: imageCount)
        return RoutingDecision(model: model, credits: model.credits)
    }

    private func check(_ model: VideoModel, canDo spec: VideoJobSpec, imageCount: Int) throws(RoomReelError) {
        let mode: VideoModel.InputMode = switch imageCount {
        case 0: .textToVideo
        case 1: .imageToVideo
        case 2: .twoImage
        default: .multiImage
        }
        guard model.inputModes.contains(mode) else {
            throw RoomReelError(.modelCannotDo, "\(model.id) does not take \(mode.rawValue) input")
        }
        guard (model.minDurationSeconds...model.maxDurationSeconds).contains(spec.durationSeconds) else {
            throw RoomReelError(.modelCannotDo,
                "\(model.id) renders \(formatted(model.minDurationSeconds))–\(formatted(model.maxDurationSeconds)) s, not \(formatted(spec.durationSeconds)) s")
        }
        guard model.aspectRatios.contains(spec.aspectRatio) else {
            throw RoomReelError(.modelCannotDo, "\(model.id) does not render \(spec.aspectRatio.rawValue)")
        }
        if !model.cameraMotions.isEmpty {
            guard let motion = spec.cameraMotion else {
                throw RoomReelError(.invalidRequest, "camera_motion is required for \(model.id)")
            }
            guard model.cameraMotions.contains(motion) else {
                throw RoomReelError(.modelCannotDo, "\(model.id) cannot render camera_motion '\(motion.rawValue)' yet")
            }
        }
    }

    private func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
