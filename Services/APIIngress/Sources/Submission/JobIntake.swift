import BlockingIO
import Crypto
import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird
import Media
import Metrics
import ModelCatalog
import ObjectStorage
import OutboundHTTP

/// The one way a job comes in, whichever API carried it (`POST /v1/videos` or a compatibility
/// route in `Compat/`): the submission is validated, quoted, its photos checked and stored, and the
/// job recorded with its `video.requested` event in one transaction. Nothing is charged here: billing
/// debits later, and only jobs that passed every check get that far.
struct JobIntake: Sendable {
    /// Each workspace's file, with its group commit.
    let files: WorkspaceFiles
    /// Each workspace's rate and jobs-in-flight limits.
    let admission: WorkspaceAdmission
    let verifiedPhotos: VerifiedPhotos
    /// The address rules webhook URLs are checked against when a job is submitted (and again, after
    /// DNS, on every delivery).
    let webhookPolicy: OutboundAddressPolicy
    let storage: LocalBlobStore
    let routing: RoutingConfiguration
    let health: ProviderHealth
    let imageCheck: InputImageCheck
    /// Fetches photos given by URL, under the SSRF rules.
    let imageFetcher: OutboundFetcher
    let publicBaseURL: @Sendable () -> String
    let videoLinks: VideoLinks
    /// Threads for writing photos: each write ends in an fsync (a job never commits before its
    /// photos are durable), which must not hold one of the cooperative pool's few threads.
    let photoWriters = BlockingWorkers(name: "photo-write", maximumThreads: 32)

    static let maxPromptLength = 2000
    static let maxReelImages = 10

    /// What `accept` did.
    enum Outcome: Sendable {
        /// A new job, with the core's 202 body for it.
        case created(JobRecord, accepted: Data)
        /// The `Idempotency-Key` was used before for the same request: the first answer stands.
        case replayed(IdempotencyRecord)
    }

    /// Takes the job `form` describes for `workspaceID`. `api` names the API it came in through;
    /// `price`, when the route has a price list of its own, is what the job costs whatever model runs it.
    func accept(_ form: VideoSubmission, workspaceID: String, idempotencyKey: String?, api: String = "roomreel",
                price: Int64? = nil) async throws -> Outcome {
        if let requestedWorkspace = form.text("workspace_id"), requestedWorkspace != workspaceID {
            throw APIError(.notFound, "workspace '\(requestedWorkspace)' not found")
        }
        let fingerprint = form.fingerprint
        let file = try files.file(of: workspaceID)
        if let idempotencyKey {
            let earlier = try await file.database.pool.read { db in try IdempotencyRecord.fetchOne(db, key: ["workspace_id": workspaceID, "key": idempotencyKey]) }
            if let earlier, Date().timeIntervalSince(earlier.createdAt) < IdempotencyRecord.lifetime {
                return try Self.replay(earlier, fingerprint: fingerprint)
            }
        }
        let limits = try await admission.admit(workspaceID)
        let webhookURL = try form.text("webhook_url").map { try Self.checkedWebhookURL($0, policy: webhookPolicy) }
        let jobID = JobID.make()
        var spec = try Self.spec(of: form, jobID: jobID, workspaceID: workspaceID)
        spec.price = price
        let photos = try Self.photoParts(of: form, for: spec.videoType)
        let decision = try routing.selector(health: health).select(for: spec, imageCount: photos.count)
        try await refuseUnaffordable(decision.credits, workspaceID: workspaceID)
        let stored = try await storedPhotos(photos, folder: file.photoFolder)
        let imageKeys = stored.map(\.key)

        let now = Date()
        let job = JobRecord(
            id: jobID, workspaceID: workspaceID, status: .queued, stage: .requested,
            videoType: spec.videoType?.rawValue, cameraMotion: spec.cameraMotion?.rawValue, model: decision.model.id,
            quotedCredits: decision.credits, creditsDebited: nil, durationSeconds: decision.durationSeconds,
            generatedSeconds: decision.generatedSeconds, requestedModel: decision.preferredModelID, routingReason: decision.fallbackReason,
            aspectRatio: spec.aspectRatio.rawValue, prompt: spec.prompt, provider: decision.model.provider,
            predictionID: nil, videoKey: nil, videoBytes: nil, posterKey: nil, videoWidth: nil, videoHeight: nil, videoDurationSeconds: nil,
            errorCode: nil, errorMessage: nil, errorDetails: nil,
            webhookURL: webhookURL?.absoluteString, api: api, inputKeys: imageKeys.isEmpty ? nil : String(decoding: try JSONEncoder().encode(imageKeys), as: UTF8.self),
            createdAt: now, updatedAt: now, startedAt: nil, finishedAt: nil, deletedAt: nil)
        let event = EncodedEvent(type: .videoRequested, source: apiIngressServiceName, subject: jobID, workspaceID: workspaceID,
                                 data: VideoRequested(request: spec, inputImageKeys: imageKeys).json)
        let view = JobView(job, publicBaseURL: publicBaseURL(), videoLinks: videoLinks, estimatedSeconds: decision.model.typicalLatencySeconds)
        let accepted = Data(view.json)
        let creation = try await file.commits.write { db -> JobCreation in
            if let idempotencyKey {
                // Checked again under the write lock: of two racing requests with one key, one creates.
                if let earlier = try IdempotencyRecord.live(workspaceID: workspaceID, key: idempotencyKey, now: now, in: db) {
                    return .replayed(earlier)
                }
            }
            if let refusal = try WorkspaceAdmission.activeRefusal(workspaceID, limits: limits, in: db) {
                // Its photos may be stored already: they go by the retention rule unless a job uses them.
                try InputPhotoRecord.release(keys: imageKeys, at: now, in: db)
                return .refused(refusal)
            }
            if let idempotencyKey {
                try IdempotencyRecord(workspaceID: workspaceID, key: idempotencyKey, requestFingerprint: fingerprint, jobID: jobID,
                                      responseStatus: Int(HTTPResponse.Status.accepted.code), responseBody: accepted, createdAt: now).insert(db)
            }
            try job.insertNew(db)
            try Outbox.enqueue(event, in: db)
            try Self.restoreSwept(stored, storage: storage)
            return .created
        }
        switch creation {
        case .replayed(let earlier): return try Self.replay(earlier, fingerprint: fingerprint)
        case .refused(let refusal): throw refusal
        case .created: break
        }
        Counter(label: "roomreel_jobs_accepted_total", dimensions: [("api", api), ("model", decision.model.id)]).increment()
        return .created(job, accepted: accepted)
    }

    /// The earlier job of a repeated `Idempotency-Key`, or a 422 when the request differs.
    static func replay(_ earlier: IdempotencyRecord, fingerprint: String) throws -> Outcome {
        guard earlier.requestFingerprint == fingerprint else {
            throw APIError(.idempotencyKeyReused, "this Idempotency-Key was used in the last 24 hours for a different request (job \(earlier.jobID))")
        }
        return .replayed(earlier)
    }

    /// The job's spec from the submission's fields, each checked.
    static func spec(of form: VideoSubmission, jobID: String, workspaceID: String) throws -> VideoJobSpec {
        let videoType = try form.text("video_type").map { try parse(VideoType.self, $0, field: "video_type") }
        let defaultRatio: AspectRatio = videoType == .socialReel ? .portrait : .landscape
        return VideoJobSpec(
            jobID: jobID, workspaceID: workspaceID,
            videoType: videoType,
            model: form.text("model"),
            cameraMotion: try form.text("camera_motion").map { try parse(CameraMotion.self, $0, field: "camera_motion") },
            prompt: try checkedPrompt(form.text("prompt")),
            style: try form.text("style").map(style),
            aspectRatio: try form.text("aspect_ratio").map { try parse(AspectRatio.self, $0, field: "aspect_ratio") } ?? defaultRatio,
            durationSeconds: try duration(form.text("duration")),
            destinationPrefix: try destinationPrefix(form.text("destination_prefix")),
            resolution: try form.text("resolution").map { try parse(Resolution.self, $0, field: "resolution") },
            framesPerSecond: try framesPerSecond(form.text("fps")),
            focus: try focus(x: form.text("focus_x"), y: form.text("focus_y")),
            reveal: try form.text("reveal").map { try parse(RevealStyle.self, $0, field: "reveal") },
            fallback: try form.text("fallback").map { try boolean($0, field: "fallback") },
            maxCredits: try form.text("max_credits").map(maxCredits)
        )
    }

    /// Every photo passes the cheap header checks before any is decoded, then the decode check, and
    /// only then is stored. Photos are stored by content (`<folder>/<sha256>.<ext>`, a folder per
    /// workspace file): the same photo sent again is neither decoded nor written again.
    func storedPhotos(_ photos: [(field: String, source: VideoSubmission.PhotoSource)], folder: String) async throws -> [(key: String, bytes: [UInt8])] {
        var checked: [(bytes: [UInt8], header: ImageHeader, field: String)] = []
        for (field, source) in photos {
            let bytes = try await photoBytes(source, field: field)
            checked.append((bytes, try imageCheck.checkHeader(bytes, field: field), field))
        }
        var imageKeys: [(key: String, bytes: [UInt8])] = []
        for photo in checked {
            let digest = SHA256.hash(data: photo.bytes).hexEncoded
            let key = "\(folder)/\(digest).\(photo.header.format.fileExtension)"
            let path = try storage.filePath(for: key)
            if !verifiedPhotos.contains(digest) {
                try await imageCheck.checkDecodes(photo.bytes, header: photo.header, field: photo.field)
                verifiedPhotos.insert(digest)
            }
            if !FileManager.default.fileExists(atPath: path) {
                let (storage, bytes) = (storage, photo.bytes)
                try await photoWriters.run { Result { try storage.write(bytes, to: key) } }.get()
            }
            imageKeys.append((key, photo.bytes))
        }
        return imageKeys
    }

    /// Inside the job's commit: writes back a photo that `InputPhotoRetention` removed after the
    /// check above (its sweep runs in a write transaction too, so once this job commits, the sweep
    /// sees the photo in use).
    static func restoreSwept(_ photos: [(key: String, bytes: [UInt8])], storage: LocalBlobStore) throws {
        for photo in photos where !FileManager.default.fileExists(atPath: try storage.filePath(for: photo.key)) {
            try storage.write(photo.bytes, to: photo.key)
        }
    }

    /// A 402 before anything is fetched or stored when the balance view already shows the workspace
    /// cannot pay `credits`. A workspace the view has not heard of yet (its first grant may still be
    /// on its way) goes on; billing has the final word either way, and a job it turns down fails with
    /// the same code.
    func refuseUnaffordable(_ credits: Int64, workspaceID: String) async throws {
        guard let view = try await files.database(of: workspaceID).pool.read({ db in try WorkspaceBalanceRecord.fetchOne(db, key: workspaceID) }) else { return }
        let balance = view.balance(at: Date())
        guard balance < credits else { return }
        throw APIError(.insufficientCredits, "this job needs \(credits) credits; the workspace has \(balance)",
                       details: ["required": credits, "balance": balance])
    }

    /// A `webhook_url` RoomReel may call: http(s), a host, at most 2048 characters, and not an
    /// address the SSRF rules refuse (names are checked again after DNS, at every delivery).
    static func checkedWebhookURL(_ text: String, policy: OutboundAddressPolicy) throws -> URL {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host(percentEncoded: false), !host.isEmpty, url.user == nil
        else {
            throw APIError(.webhookURLRefused, "webhook_url must be an http or https URL of at most 2048 characters, without credentials")
        }
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if let address = IPAddress(bareHost), let refusal = policy.refusal(of: address) {
            throw APIError(.webhookURLRefused, "webhook_url: \(refusal)")
        }
        if bareHost.lowercased() == "localhost" || bareHost.lowercased().hasSuffix(".localhost") {
            throw APIError(.webhookURLRefused, "webhook_url: localhost is not a public address")
        }
        return url
    }

    /// The photos the video type takes, with the field each came in, in order: `before_image` and
    /// `after_image` for before_after, `images` (or one `image`) for social_reel, one `image` otherwise
    /// (or none, with a prompt: text-to-video).
    static func photoParts(of form: VideoSubmission, for videoType: VideoType?) throws -> [(field: String, source: VideoSubmission.PhotoSource)] {
        switch videoType {
        case .beforeAfter:
            if let before = form.photos["before_image"]?.first, let after = form.photos["after_image"]?.first {
                return [("before_image", before), ("after_image", after)]
            }
            // One photo: a model that animates one photo imagines the reveal (the selector checks).
            if form.photos["before_image"] == nil, form.photos["after_image"] == nil, let image = form.photos["image"]?.first {
                return [("image", image)]
            }
            throw APIError(.imageRequired, "before_after needs 'before_image' and 'after_image', or one 'image' for a model that animates one photo (files, base64 or URLs)")
        case .socialReel:
            let sources = form.photos["images"] ?? form.photos["image"] ?? []
            guard !sources.isEmpty else {
                throw APIError(.imageRequired, "social_reel needs 1 to 10 photos as 'images[]' (files, base64 or URLs)")
            }
            guard sources.count <= Self.maxReelImages else {
                throw APIError(.invalidRequest, "social_reel takes at most \(Self.maxReelImages) photos; got \(sources.count)")
            }
            return sources.enumerated().map { ("images[\($0.offset)]", $0.element) }
        default:
            guard let image = form.photos["image"]?.first else {
                // No photo but a prompt: text-to-video, for the models that take it (the selector checks).
                if form.text("prompt") != nil { return [] }
                throw APIError(.imageRequired, "send the room photo as 'image' (a file or base64) or 'image_url', or a prompt for text-to-video")
            }
            return [("image", image)]
        }
    }

    /// A photo's bytes: as sent, or fetched from its URL under the SSRF rules and the photo size limit.
    func photoBytes(_ source: VideoSubmission.PhotoSource, field: String) async throws -> [UInt8] {
        switch source {
        case .bytes(let bytes):
            return bytes
        case .url(let url):
            do {
                return try await imageFetcher.fetch(url).1
            } catch {
                switch error {
                case .refusedAddress, .unsupportedScheme:
                    throw APIError(.imageURLRefused, "\(field): \(error)")
                case .tooLarge(let limit):
                    throw APIError(.imageTooLarge, "\(field): the photo is larger than \(limit) bytes (20 MB)", details: ["maximum_bytes": limit])
                default:
                    throw APIError(.imageFetchFailed, "\(field): fetching \(url.absoluteString) failed: \(error)")
                }
            }
        }
    }


    static func parse<Value: RawRepresentable & CaseIterable>(_: Value.Type, _ text: String, field: String) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.invalidRequest, "\(field) must be one of \(allowed); got '\(text)'")
        }
        return value
    }

    static func checkedPrompt(_ prompt: String?) throws -> String? {
        guard let prompt else { return nil }
        guard !prompt.isEmpty else { throw APIError(.invalidRequest, "prompt must not be empty") }
        guard prompt.count <= Self.maxPromptLength else {
            throw APIError(.promptTooLong, "prompt is \(prompt.count) characters; the limit is \(Self.maxPromptLength)")
        }
        return prompt
    }

    static func boolean(_ text: String, field: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError(.invalidRequest, "\(field) must be true or false; got '\(text)'")
        }
    }

    static func framesPerSecond(_ text: String?) throws -> Int? {
        guard let text else { return nil }
        guard let fps = Int(text), [24, 30].contains(fps) else {
            throw APIError(.invalidRequest, "fps must be 24 or 30; got '\(text)'")
        }
        return fps
    }

    /// `focus_x` and `focus_y`, fractions of the photo from its top-left corner; both or neither.
    static func focus(x: String?, y: String?) throws -> FocusPoint? {
        guard x != nil || y != nil else { return nil }
        guard let xText = x, let yText = y, let fx = Double(xText), let fy = Double(yText), (0...1).contains(fx), (0...1).contains(fy) else {
            throw APIError(.invalidRequest, "focus_x and focus_y must both be given, each a fraction from 0 to 1")
        }
        return FocusPoint(x: fx, y: fy)
    }

    /// A folder under the workspace's storage: up to 8 segments of letters, digits, `.`, `_` and `-`
    /// (no `.` or `..`), at most 200 characters; slashes at either end are dropped.
    static func destinationPrefix(_ text: String?) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: ["/"])
        let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !trimmed.isEmpty, trimmed.count <= 200, segments.count <= 8,
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && $0.allSatisfy(allowed.contains) }) else {
            throw APIError(.invalidRequest, "destination_prefix must be a folder path such as 'campaigns/spring': up to 8 segments of letters, digits, '.', '_' and '-', at most 200 characters; got '\(text)'")
        }
        return trimmed
    }

    /// `duration` in seconds, or nil for the model's default.
    static func duration(_ text: String?) throws -> Double? {
        guard let text else { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw APIError(.invalidRequest, "duration must be a number of seconds; got '\(text)'")
        }
        return seconds
    }

    /// One of the six design styles, however the seeds spell it.
    static func style(_ text: String) throws -> DesignStyle {
        guard let style = DesignStyle(spelled: text) else {
            throw APIError(.invalidRequest, "style must be one of \(DesignStyle.allCases.map(\.rawValue).joined(separator: ", ")); got '\(text)'")
        }
        return style
    }

    /// `max_credits`: a whole number of credits, at least 1.
    static func maxCredits(_ text: String) throws -> Int64 {
        guard let credits = Int64(text), credits >= 1 else {
            throw APIError(.invalidRequest, "max_credits must be a whole number of credits, at least 1; got '\(text)'")
        }
        return credits
    }
}
