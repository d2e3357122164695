import EventContracts

/// The routing decision for one job: which model runs it, how long a video it makes, what it costs,
/// and why when it is not the model the request pointed at.
public struct RoutingDecision: Sendable, Equatable {
    public var model: VideoModel
    /// The price, at `generatedSeconds`.
    public var credits: Int64
    /// The length the client gets: the one asked for, or the model's default.
    public var durationSeconds: Double
    /// The length the model generates: the shortest it offers that is at least `durationSeconds`.
    public var generatedSeconds: Double
    /// The model the request named or its video type defaults to.
    public var preferredModelID: String
    /// Why `model` replaced the preferred one; nil when it did not.
    public var fallbackReason: String?
}

/// Picks the model for a job: a pure function of the request, the catalog and provider availability,
/// so api-ingress quotes the same answer model-router gives.
///
/// An explicit `model` is honoured or refused (`MODEL_CANNOT_DO`, `TOO_MANY_IMAGES`,
/// `MODEL_UNAVAILABLE`); it falls back only if the request allows it. A `video_type` uses the
/// catalog's default for it and, when that model cannot take the job (provider unavailable, or the
/// request outside its limits), falls back to the nearest model that can: same tier first, then
/// cheaper tiers, then dearer ones, in catalog order. A fallback never costs more than the preferred
/// model would have, unless the request's `max_credits` allows it.
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
            problem = incapable
        } else if let unavailable = availability.unavailability(of: preferred.provider) {
            problem = RoomReelError(.modelUnavailable, "\(preferred.id) is unavailable: \(unavailable)")
        } else if let ceiling = spec.maxCredits, let price = Self.price(of: preferred, for: spec), price > ceiling {
            problem = RoomReelError(.modelCannotDo, "\(preferred.id) costs \(price) credits, above max_credits \(ceiling)")
        } else {
            problem = nil
        }
        guard let problem else { return Self.decision(preferred, for: spec, preferredModelID: preferred.id, reason: nil)! }
        guard spec.allowsFallback else { throw problem }

        // The preferred model's price bounds a fallback's, unless the request sets its own bound.
        let ceiling = spec.maxCredits ?? Self.price(of: preferred, for: spec) ?? Self.price(of: preferred, seconds: preferred.maxDurationSeconds)
        let preferredRank = catalog.rank(ofTier: preferred.qualityTier)
        let candidates = catalog.models.enumerated().compactMap { offset, model -> (offset: Int, decision: RoutingDecision)? in
            guard model.id != preferred.id,
                  spec.videoType.map({ model.videoTypes.contains($0) }) ?? true,
                  Self.incapability(of: model, for: spec, imageCount: imageCount) == nil,
                  availability.unavailability(of: model.provider) == nil,
                  let decision = Self.decision(model, for: spec, preferredModelID: preferred.id,
                                               reason: model.provider == ProviderAvailability.local
                                                   ? "no remote model is available, so the local renderer makes it (\(problem.message))" : problem.message),
                  decision.credits <= ceiling
            else { return nil }
            return (offset, decision)
        }
        let ordered = candidates.sorted { first, second in
            let (a, b) = (catalog.rank(ofTier: first.decision.model.qualityTier), catalog.rank(ofTier: second.decision.model.qualityTier))
            let keyA = (a == preferredRank ? 0 : a < preferredRank ? 1 : 2, abs(a - preferredRank), first.offset)
            let keyB = (b == preferredRank ? 0 : b < preferredRank ? 1 : 2, abs(b - preferredRank), second.offset)
            return keyA < keyB
        }
        guard let fallback = ordered.first?.decision else {
            let bound = spec.maxCredits == nil ? "costing at most \(ceiling) credits (set max_credits to allow more)" : "within max_credits \(ceiling)"
            throw RoomReelError(problem.code, "\(problem.message); no other available model \(bound) can make this video", details: problem.details)
        }
        return fallback
    }

    /// `model`'s decision for `spec`: the length it delivers and generates, and its price; nil when
    /// the length is beyond it.
    static func decision(_ model: VideoModel, for spec: VideoJobSpec, preferredModelID: String, reason: String?) -> RoutingDecision? {
        let seconds = spec.durationSeconds ?? model.defaultDurationSeconds
        guard let generated = model.generatedDuration(for: seconds) else { return nil }
        return RoutingDecision(model: model, credits: spec.price ?? price(of: model, seconds: generated), durationSeconds: seconds,
                               generatedSeconds: generated, preferredModelID: preferredModelID, fallbackReason: reason)
    }

    /// What `model` charges for `spec`, or nil when it cannot make that length.
    static func price(of model: VideoModel, for spec: VideoJobSpec) -> Int64? {
        model.generatedDuration(for: spec.durationSeconds ?? model.defaultDurationSeconds).map { spec.price ?? price(of: model, seconds: $0) }
    }

    static func price(of model: VideoModel, seconds: Double) -> Int64 {
        model.pricing.credits(forDuration: seconds)
    }

    /// Why `model` cannot make `spec`, or nil when it can.
    static func incapability(of model: VideoModel, for spec: VideoJobSpec, imageCount: Int) -> RoomReelError? {
        let mode: VideoModel.InputMode = switch imageCount {
        case 0: .textToVideo
        case 1: .imageToVideo
        case 2: .twoImage
        default: .multiImage
        }
        if imageCount > model.maxImages, model.maxImages > 0 {
            return RoomReelError(.tooManyImages, "\(model.id) uses at most \(model.maxImages) photo\(model.maxImages == 1 ? "" : "s"); got \(imageCount)",
                                 details: ["maximum_images": Int64(model.maxImages), "images": Int64(imageCount)])
        }
        guard model.inputModes.contains(mode) else {
            return RoomReelError(.modelCannotDo, "\(model.id) does not take \(mode.rawValue) input")
        }
        if let seconds = spec.durationSeconds, model.generatedDuration(for: seconds) == nil {
            return RoomReelError(.modelCannotDo, "\(model.id) renders \(model.offeredDurations), at most \(VideoModel.formatted(model.maxDurationSeconds)) s; not \(VideoModel.formatted(seconds)) s",
                                 details: ["maximum_seconds": Int64(model.maxDurationSeconds)])
        }
        guard model.aspectRatios.contains(spec.aspectRatio) else {
            return RoomReelError(.modelCannotDo, "\(model.id) does not render \(spec.aspectRatio.rawValue); it renders \(model.aspectRatios.map(\.rawValue).joined(separator: ", "))")
        }
        if !model.cameraMotions.isEmpty {
            guard let motion = spec.cameraMotion, model.cameraMotions.contains(motion) else {
                return RoomReelError(.modelCannotDo, "\(model.id) needs a camera_motion it renders")
            }
        }
        return nil
    }
}
