/// The payloads of the job events, in pipeline order.

/// api-ingress accepted a job.
public struct VideoRequested: EventPayload {
    public static let eventType = EventType.videoRequested
    public var request: VideoJobSpec
    /// Storage keys of the uploaded input images, in order.
    public var inputImageKeys: [String]

    public init(request: VideoJobSpec, inputImageKeys: [String]) {
        self.request = request
        self.inputImageKeys = inputImageKeys
    }

    enum CodingKeys: String, CodingKey {
        case request
        case inputImageKeys = "input_image_keys"
    }

    /// The payload as `EventCoding.encoder` writes it, written member by member: every accepted job
    /// produces one, and the generic encoder was a visible part of `POST /v1/videos`. Wrap it with
    /// `EncodedEvent`.
    public var json: [UInt8] {
        var payload = JSONObjectWriter(capacity: 512)
        payload.strings("input_image_keys", inputImageKeys)
        payload.raw("request", request.json)
        return payload.finish()
    }
}

/// model-router chose a model and priced the job.
public struct VideoRouted: EventPayload {
    public static let eventType = EventType.videoRouted
    public var request: VideoJobSpec
    public var inputImageKeys: [String]
    public var modelID: String
    public var provider: String
    /// The price, at `generatedSeconds`.
    public var credits: Int64
    /// The length the client gets: the one asked for, or the model's default.
    public var durationSeconds: Double?
    /// The length the model is asked to generate (and the job is charged at): the shortest it offers
    /// that is at least `durationSeconds`; the stored video is trimmed to `durationSeconds`.
    public var generatedSeconds: Double?
    /// The model the request named, or its video type's default.
    public var requestedModel: String?
    /// Why `modelID` is not `requestedModel`; nil when it is.
    public var routingReason: String?

    public init(request: VideoJobSpec, inputImageKeys: [String], modelID: String, provider: String, credits: Int64,
                durationSeconds: Double? = nil, generatedSeconds: Double? = nil, requestedModel: String? = nil, routingReason: String? = nil) {
        self.request = request
        self.inputImageKeys = inputImageKeys
        self.modelID = modelID
        self.provider = provider
        self.credits = credits
        self.durationSeconds = durationSeconds
        self.generatedSeconds = generatedSeconds
        self.requestedModel = requestedModel
        self.routingReason = routingReason
    }

    /// The length to deliver (events routed before lengths were resolved carry only the request's).
    public var deliveredSeconds: Double { durationSeconds ?? request.durationSeconds ?? 5 }
    /// The length to ask the model for.
    public var secondsToGenerate: Double { generatedSeconds ?? deliveredSeconds }

    enum CodingKeys: String, CodingKey {
        case request, provider, credits
        case inputImageKeys = "input_image_keys"
        case modelID = "model_id"
        case durationSeconds = "duration_seconds"
        case generatedSeconds = "generated_seconds"
        case requestedModel = "requested_model"
        case routingReason = "routing_reason"
    }
}

/// billing debited the job's credits (the job may now be submitted to its provider).
public struct CreditsDebited: EventPayload {
    public static let eventType = EventType.creditsDebited
    public var routed: VideoRouted
    public var ledgerEntryID: String
    public var balanceAfter: Int64
    /// The ledger entry's number within the workspace (see `CreditsGranted.ledgerSequence`).
    public var ledgerSequence: Int64?
    /// The workspace's credits with an expiry still unspent after this debit.
    public var expiring: [CreditExpiry]?

    public init(routed: VideoRouted, ledgerEntryID: String, balanceAfter: Int64,
                ledgerSequence: Int64? = nil, expiring: [CreditExpiry]? = nil) {
        self.routed = routed
        self.ledgerEntryID = ledgerEntryID
        self.balanceAfter = balanceAfter
        self.ledgerSequence = ledgerSequence
        self.expiring = expiring
    }

    enum CodingKeys: String, CodingKey {
        case routed, expiring
        case ledgerEntryID = "ledger_entry_id"
        case balanceAfter = "balance_after"
        case ledgerSequence = "ledger_sequence"
    }
}

/// billing refused the job: not enough credits. Nothing was debited.
public struct CreditsRejected: EventPayload {
    public static let eventType = EventType.creditsRejected
    public var required: Int64
    public var balance: Int64

    public init(required: Int64, balance: Int64) {
        self.required = required
        self.balance = balance
    }
}

/// provider-bridge handed the job to its provider.
/// How far a submitted generation has got, where the renderer (or a provider) says: `percent` of
/// it, 1–99, rising. Informational: nothing waits for it, and one that arrives after the output is
/// ignored.
public struct VideoProgress: EventPayload {
    public static let eventType = EventType.videoProgress
    public var predictionID: String
    public var percent: Int

    public init(predictionID: String, percent: Int) {
        self.predictionID = predictionID
        self.percent = percent
    }

    enum CodingKeys: String, CodingKey {
        case predictionID = "prediction_id"
        case percent
    }
}

public struct VideoSubmitted: EventPayload {
    public static let eventType = EventType.videoSubmitted
    public var provider: String
    public var predictionID: String

    public init(provider: String, predictionID: String) {
        self.provider = provider
        self.predictionID = predictionID
    }

    enum CodingKeys: String, CodingKey {
        case provider
        case predictionID = "prediction_id"
    }
}

/// The provider finished; the output is at `outputURL` (which may expire soon).
public struct VideoGenerated: EventPayload {
    public static let eventType = EventType.videoGenerated
    public var provider: String
    public var predictionID: String
    public var outputURL: String
    public var destinationPrefix: String?
    /// A still of the video (JPEG), when the provider made one.
    public var posterURL: String?
    /// The shape the client asked for: storage-uploader crops an output of another shape to it.
    public var aspectRatio: AspectRatio?
    /// The length the client gets: storage-uploader trims a longer output to it.
    public var durationSeconds: Double?
    /// Where a crop is centred.
    public var focus: FocusPoint?

    public init(provider: String, predictionID: String, outputURL: String, destinationPrefix: String? = nil, posterURL: String? = nil,
                aspectRatio: AspectRatio? = nil, durationSeconds: Double? = nil, focus: FocusPoint? = nil) {
        self.provider = provider
        self.predictionID = predictionID
        self.outputURL = outputURL
        self.destinationPrefix = destinationPrefix
        self.posterURL = posterURL
        self.aspectRatio = aspectRatio
        self.durationSeconds = durationSeconds
        self.focus = focus
    }

    enum CodingKeys: String, CodingKey {
        case provider, focus
        case predictionID = "prediction_id"
        case outputURL = "output_url"
        case destinationPrefix = "destination_prefix"
        case posterURL = "poster_url"
        case aspectRatio = "aspect_ratio"
        case durationSeconds = "duration_seconds"
    }
}

/// The job failed for good, at any stage. Credits already debited stay debited.
public struct VideoFailed: EventPayload {
    public static let eventType = EventType.videoFailed
    public var stage: String
    public var code: ErrorCode
    public var message: String

    public init(stage: String, code: ErrorCode, message: String) {
        self.stage = stage
        self.code = code
        self.message = message
    }
}

/// storage-uploader stored the video; the job is complete.
public struct VideoStored: EventPayload {
    public static let eventType = EventType.videoStored
    /// Storage key of the video, e.g. `generation-videos/{job-id}.mp4`.
    public var videoKey: String
    public var bytes: Int64
    public var sha256: String
    /// Storage key of the poster JPEG beside the video, when there is one.
    public var posterKey: String?
    /// Where the video could be fetched when it was stored: a public URL, a presigned one that
    /// expires (readers make fresh ones from the key), or for local disk `/media/<key>`, relative to
    /// api-ingress's host.
    public var url: String?
    /// The stored video's length as ffprobe read it.
    public var durationSeconds: Double?
    /// The stored video's frame size in pixels, as ffprobe read it.
    public var width: Int?
    public var height: Int?

    public init(videoKey: String, bytes: Int64, sha256: String, posterKey: String? = nil, url: String? = nil, durationSeconds: Double? = nil,
                width: Int? = nil, height: Int? = nil) {
        self.videoKey = videoKey
        self.bytes = bytes
        self.sha256 = sha256
        self.posterKey = posterKey
        self.url = url
        self.durationSeconds = durationSeconds
        self.width = width
        self.height = height
    }

    enum CodingKeys: String, CodingKey {
        case bytes, sha256, url, width, height
        case videoKey = "video_key"
        case posterKey = "poster_key"
        case durationSeconds = "duration_seconds"
    }
}
