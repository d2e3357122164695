import EventContracts

/// The routing decision for one job: which model runs it, what it costs, and why when it is not the
/// model the request pointed at.
public struct RoutingDecision: Sendable, Equatable {
    public var model: VideoModel
    public var credits: Int64
    /// The model the request named or its video type defaults to.
    public var preferredModelID: String
    /// Why `model` replaced the preferred one; nil when it did not.
    public var fallbackReason: String?
}

/// Picks the model for a job: a pure function of the request, the catalog and provider availability,
/// so api-ingress quotes the same answer model-router gives.
///
/// An explicit `model` is honoured or refused (`MODEL_CANNOT_DO`, `MODEL_UNAVAILABLE`); it falls back
/// only if the request allows it. A `video_type` uses the catalog's default for it and, when that
/// model cannot take the job (provider unavailable, or the request outside its limits), falls back to
/// the nearest model that can: same tier first, then cheaper tiers, then dearer ones, in catalog order.
public struct ModelSelector: Sendable {
    public let catalog: ModelCatalog
    public let availability: ProviderAvailability

    public init(catalog: ModelCatalog, availability: ProviderAvailability) {
        self.catalog = catalog
        self.availability = availability
    }

    /// The model for `spec` with `imageCount` photos and its price, or an error with a stable code.
    public func select(for spec: VideoJobSpec, imageCount: Int) throws(RoomReelError) -> RoutingDecision {
        let preferred: VideoModel
        if let requested = spec.model {
            guard let found = catalog.model(named: requested) else {
                throw RoomReelError(.modelUnavailable, "unknown model '\(requested)'; GET /v1/models lists them")
            }
            preferred = found
        } else if let type = spec.videoType {
            guard let id = catalog.defaults[type], let found = catalog.model(named: id) else {
                throw RoomReelError(.modelUnavailable, "no model is configured for video_type '\(type.rawValue)'")
            }
            preferred = found
        } else {
            throw RoomReelError(.invalidRequest, "one of video_type or model is required")
        }
        // A model that renders camera moves cannot guess one: that is the request's mistake, not a fallback.
        if !preferred.cameraMotions.isEmpty, spec.cameraMotion == nil {
            throw RoomReelError(.invalidRequest, "camera_motion is required for \(preferred.id)")
        }

        let problem: RoomReelError?
        if let incapable = Self.incapability(of: preferred, for: spec, imageCount: imageCount) {
            problem = RoomReelError(.modelCannotDo, incapable)
        } else if let unavailable = availability.unavailability(of: preferred.provider) {
            problem = RoomReelError(.modelUnavailable, "\(preferred.id) is unavailable: \(unavailable)")
        } else {
            problem = nil
        }
        guard let problem else {
            return RoutingDecision(model: preferred, credits: preferred.pricing.credits(forDuration: spec.durationSeconds),
                                   preferredModelID: preferred.id, fallbackReason: nil)
        }
        guard spec.allowsFallback else { throw problem }

        let preferredRank = catalog.rank(ofTier: preferred.qualityTier)
        let candidates = catalog.models.enumerated().filter { _, model in
            model.id != preferred.id
                && (spec.videoType.map { model.videoTypes.contains($0) } ?? true)
                && Self.incapability(of: model, for: spec, imageCount: imageCount) == nil
                && availability.unavailability(of: model.provider) == nil
        }
        let ordered = candidates.sorted { first, second in
            let (a, b) = (catalog.rank(ofTier: first.element.qualityTier), catalog.rank(ofTier: second.element.qualityTier))
            let keyA = (a == preferredRank ? 0 : a < preferredRank ? 1 : 2, abs(a - preferredRank), first.offset)
            let keyB = (b == preferredRank ? 0 : b < preferredRank ? 1 : 2, abs(b - preferredRank), second.offset)
            return keyA < keyB
        }
        guard let fallback = ordered.first?.element else {
            throw RoomReelError(problem.code, "\(problem.message); no other available model can make this video")
        }
        return RoutingDecision(model: fallback, credits: fallback.pricing.credits(forDuration: spec.durationSeconds),
                               preferredModelID: preferred.id, fallbackReason: problem.message)
    }

    /// Why `model` cannot make `spec`, or nil when it can.
    static func incapability(of model: VideoModel, for spec: VideoJobSpec, imageCount: Int) -> String? {
        let mode: VideoModel.InputMode = switch imageCount {
        case 0: .textToVideo
        case 1: .imageToVideo
        case 2: .twoImage
        default: .multiImage
        }
        guard model.inputModes.contains(mode) else {
            return "\(model.id) does not take \(mode.rawValue) input"
        }
        guard model.renders(durationSeconds: spec.durationSeconds) else {
            let durations = model.allowedDurations.map { $0.map(formatted).joined(separator: ", ") }
                ?? "\(formatted(model.minDurationSeconds))–\(formatted(model.maxDurationSeconds))"
            return "\(model.id) renders \(durations) s, not \(formatted(spec.durationSeconds)) s"
        }
        guard model.aspectRatios.contains(spec.aspectRatio) else {
            return "\(model.id) does not render \(spec.aspectRatio.rawValue)"
        }
        if !model.cameraMotions.isEmpty {
            guard let motion = spec.cameraMotion, model.cameraMotions.contains(motion) else {
                return "\(model.id) needs a camera_motion it renders"
            }
        }
        return nil
    }

    private static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
