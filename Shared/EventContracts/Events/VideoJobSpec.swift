/// What a client asked for, validated by api-ingress and carried unchanged down the pipeline.
public struct VideoJobSpec: Codable, Sendable, Equatable {
    public var jobID: String
    public var workspaceID: String
    public var videoType: VideoType?
    /// An explicit model id, which wins over `videoType`'s default.
    public var model: String?
    public var cameraMotion: CameraMotion?
    public var prompt: String?
    public var style: DesignStyle?
    public var aspectRatio: AspectRatio
    /// The length asked for, in seconds; nil for the chosen model's default.
    public var durationSeconds: Double?
    public var destinationPrefix: String?
    /// Output resolution; 720p when absent.
    public var resolution: Resolution?
    /// Output frame rate (24 or 30); 30 when absent.
    public var framesPerSecond: Int?
    /// Where to centre the crop when the photo's shape differs from the output's; the centre when absent.
    public var focus: FocusPoint?
    /// How `before_after` reveals the after photo; a wipe when absent.
    public var reveal: RevealStyle?
    /// Whether routing may pick another model when the preferred one cannot take the job; when
    /// absent, yes for a `video_type` and no for an explicit `model`.
    public var fallback: Bool?
    /// The most credits the client allows a fallback to cost; without it a fallback never costs more
    /// than the preferred model would have.
    public var maxCredits: Int64?
    /// What the job costs whichever model runs it, when the route that took it has a price list of
    /// its own (a compatibility API's documented prices); nil for the model's catalog price.
    public var price: Int64?

    /// The effective fallback rule.
    public var allowsFallback: Bool { fallback ?? (model == nil) }

    public init(jobID: String, workspaceID: String, videoType: VideoType?, model: String?, cameraMotion: CameraMotion?,
                prompt: String?, style: DesignStyle?, aspectRatio: AspectRatio, durationSeconds: Double?, destinationPrefix: String? = nil,
                resolution: Resolution? = nil, framesPerSecond: Int? = nil, focus: FocusPoint? = nil, reveal: RevealStyle? = nil,
                fallback: Bool? = nil, maxCredits: Int64? = nil, price: Int64? = nil) {
        self.jobID = jobID
        self.workspaceID = workspaceID
        self.videoType = videoType
        self.model = model
        self.cameraMotion = cameraMotion
        self.prompt = prompt
        self.style = style
        self.aspectRatio = aspectRatio
        self.durationSeconds = durationSeconds
        self.destinationPrefix = destinationPrefix
        self.resolution = resolution
        self.framesPerSecond = framesPerSecond
        self.focus = focus
        self.reveal = reveal
        self.fallback = fallback
        self.maxCredits = maxCredits
        self.price = price
    }

    /// The spec as `EventCoding.encoder` writes it (sorted keys, nil fields left out), member by member.
    public var json: [UInt8] {
        var spec = JSONObjectWriter(capacity: 384)
        spec.string("aspect_ratio", aspectRatio.rawValue)
        if let cameraMotion { spec.string("camera_motion", cameraMotion.rawValue) }
        if let destinationPrefix { spec.string("destination_prefix", destinationPrefix) }
        if let durationSeconds { spec.number("duration_seconds", durationSeconds) }
        if let fallback { spec.boolean("fallback", fallback) }
        if let focus {
            var point = JSONObjectWriter(capacity: 48)
            point.number("x", focus.x)
            point.number("y", focus.y)
            spec.raw("focus", point.finish())
        }
        if let framesPerSecond { spec.integer("fps", Int64(framesPerSecond)) }
        spec.string("job_id", jobID)
        if let maxCredits { spec.integer("max_credits", maxCredits) }
        if let model { spec.string("model", model) }
        if let price { spec.integer("price", price) }
        if let prompt { spec.string("prompt", prompt) }
        if let resolution { spec.string("resolution", resolution.rawValue) }
        if let reveal { spec.string("reveal", reveal.rawValue) }
        if let style { spec.string("style", style.rawValue) }
        if let videoType { spec.string("video_type", videoType.rawValue) }
        spec.string("workspace_id", workspaceID)
        return spec.finish()
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, style, resolution, focus, reveal, fallback, price
        case framesPerSecond = "fps"
        case jobID = "job_id"
        case workspaceID = "workspace_id"
        case videoType = "video_type"
        case cameraMotion = "camera_motion"
        case aspectRatio = "aspect_ratio"
        case durationSeconds = "duration_seconds"
        case destinationPrefix = "destination_prefix"
        case maxCredits = "max_credits"
    }
}

/// The kinds of video a client can ask for.
public enum VideoType: String, Codable, Sendable, CaseIterable {
    case walkthrough
    case floorplanFlythrough = "floorplan_flythrough"
    case productSpotlight = "product_spotlight"
    case beforeAfter = "before_after"
    case socialReel = "social_reel"
    case cameraMotion = "camera_motion"
}

/// The eleven camera moves over a still photo.
public enum CameraMotion: String, Codable, Sendable, CaseIterable {
    case panUp = "pan_up"
    case panDown = "pan_down"
    case panLeftRight = "pan_left_right"
    case zoomIn = "zoom_in"
    case zoomOut = "zoom_out"
    case cameraPullback = "camera_pullback"
    case rotateCW = "rotate_cw"
    case rotateCCW = "rotate_ccw"
    case lookUp = "look_up"
    case lookDown = "look_down"
    case combiningMotions = "combining_motions"
}

/// Output aspect ratios.
public enum AspectRatio: String, Codable, Sendable, CaseIterable {
    case landscape = "16:9"
    case portrait = "9:16"
    case square = "1:1"
}

