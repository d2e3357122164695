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
    public var credits: Int64

    public init(request: VideoJobSpec, inputImageKeys: [String], modelID: String, provider: String, credits: Int64) {
        self.request = request
        self.inputImageKeys = inputImageKeys
        self.modelID = modelID
        self.provider = provider
        self.credits = credits
    }

    enum CodingKeys: String, CodingKey {
        case request, provider, credits
        case inputImageKeys = "input_image_keys"
        case modelID = "model_id"
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

    public init(provider: String, predictionID: String, outputURL: String, destinationPrefix: String? = nil, posterURL: String? = nil) {
        self.provider = provider
        self.predictionID = predictionID
        self.outputURL = outputURL
        self.destinationPrefix = destinationPrefix
        self.posterURL = posterURL
    }

    enum CodingKeys: String, CodingKey {
        case provider
        case predictionID = "prediction_id"
        case outputURL = "output_url"
        case destinationPrefix = "destination_prefix"
        case posterURL = "poster_url"
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
    /// The video's length as ffprobe read it.
    public var durationSeconds: Double?

    public init(videoKey: String, bytes: Int64, sha256: String, posterKey: String? = nil, url: String? = nil, durationSeconds: Double? = nil) {
        self.videoKey = videoKey
        self.bytes = bytes
        self.sha256 = sha256
        self.posterKey = posterKey
        self.url = url
        self.durationSeconds = durationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case bytes, sha256, url
        case videoKey = "video_key"
        case posterKey = "poster_key"
        case durationSeconds = "duration_seconds"
    }
}
