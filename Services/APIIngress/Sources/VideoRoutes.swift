import Foundation
import GRDB
import Hummingbird
import Shared

/// `POST /v1/videos` and `GET /v1/videos/{id}`.
struct VideoRoutes {
    let database: ServiceDatabase
    let storage: LocalBlobStore
    let routing: RoutingConfiguration
    let health: ProviderHealth
    let imageCheck: InputImageCheck
    /// Fetches photos given by URL, under the SSRF rules.
    let imageFetcher: OutboundFetcher
    let maxUploadBytes: Int
    let publicBaseURL: @Sendable () -> String

    static let maxPromptLength = 2000
    static let maxReelImages = 10
    static let defaultDurationSeconds = 5.0

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/videos", use: create)
        router.get("/videos/:id", use: show)
    }

    /// Validates the request, quotes it, checks and stores its photos, and records the job with its
    /// `video.requested` event in one transaction. Nothing is charged here: billing debits later, and
    /// only jobs that passed every check get that far.
    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let contentType = request.headers[.contentType] ?? ""
        let form: VideoSubmission
        if let boundary = MultipartForm.boundary(fromContentType: contentType) {
            form = try VideoSubmission.multipart(try MultipartForm.parse(try await request.body.collect(upTo: maxUploadBytes), boundary: boundary))
        } else if contentType.lowercased().hasPrefix("application/json") {
            form = try VideoSubmission.json(try await request.body.collect(upTo: maxUploadBytes))
        } else {
            throw APIError(.invalidRequest, "send the request as application/json or multipart/form-data")
        }

        if let requestedWorkspace = form.text("workspace_id"), requestedWorkspace != workspaceID {
            throw APIError(.notFound, "workspace '\(requestedWorkspace)' not found")
        }
        let jobID = UUID().uuidString.lowercased()
        let videoType = try form.text("video_type").map { try Self.parse(VideoType.self, $0, field: "video_type") }
        let defaultRatio: AspectRatio = videoType == .socialReel ? .portrait : .landscape
        let spec = VideoJobSpec(
            jobID: jobID, workspaceID: workspaceID,
            videoType: videoType,
            model: form.text("model"),
            cameraMotion: try form.text("camera_motion").map { try Self.parse(CameraMotion.self, $0, field: "camera_motion") },
            prompt: try Self.checkedPrompt(form.text("prompt")),
            style: form.text("style"),
            aspectRatio: try form.text("aspect_ratio").map { try Self.parse(AspectRatio.self, $0, field: "aspect_ratio") } ?? defaultRatio,
            durationSeconds: try Self.duration(form.text("duration")),
            destinationPrefix: form.text("destination_prefix"),
            resolution: try form.text("resolution").map { try Self.parse(Resolution.self, $0, field: "resolution") },
            framesPerSecond: try Self.framesPerSecond(form.text("fps")),
            focus: try Self.focus(x: form.text("focus_x"), y: form.text("focus_y")),
            reveal: try form.text("reveal").map { try Self.parse(RevealStyle.self, $0, field: "reveal") },
            fallback: try form.text("fallback").map { try Self.boolean($0, field: "fallback") }
        )
        let photos = try Self.photoParts(of: form, for: videoType)
        let decision = try routing.selector(health: health).select(for: spec, imageCount: photos.count)

        // Every photo passes the cheap header checks before any is stored, then the decode check.
        var checked: [(bytes: [UInt8], header: ImageHeader, field: String)] = []
        for (field, source) in photos {
            let bytes = try await photoBytes(source, field: field)
            checked.append((bytes, try imageCheck.checkHeader(bytes, field: field), field))
        }
        var imageKeys: [String] = []
        do {
            for (index, photo) in checked.enumerated() {
                let key = "inputs/\(jobID)/image-\(index).\(photo.header.format.fileExtension)"
                try storage.write(photo.bytes, to: key)
                imageKeys.append(key)
                try await imageCheck.checkDecodes(try storage.fileURL(for: key), field: photo.field)
            }
        } catch {
            // The job never existed: leave nothing of it behind.
            try? FileManager.default.removeItem(at: storage.fileURL(for: "inputs/\(jobID)"))
            throw error
        }

        let now = Date()
        let job = JobRecord(
            id: jobID, workspaceID: workspaceID, status: .queued, stage: .requested,
            videoType: spec.videoType?.rawValue, cameraMotion: spec.cameraMotion?.rawValue, model: decision.model.id,
            quotedCredits: decision.credits, creditsDebited: nil, durationSeconds: spec.durationSeconds,
            aspectRatio: spec.aspectRatio.rawValue, prompt: spec.prompt, provider: decision.model.provider,
            predictionID: nil, videoKey: nil, videoBytes: nil, posterKey: nil, errorCode: nil, errorMessage: nil, errorDetails: nil,
            webhookURL: form.text("webhook_url"), createdAt: now, updatedAt: now)
        let event = EventEnvelope(source: "api-ingress", subject: jobID, workspaceID: workspaceID,
                                  data: VideoRequested(request: spec, inputImageKeys: imageKeys))
        try await database.pool.write { db in
            try job.insert(db)
            try Outbox.enqueue(event, in: db)
        }
        context.logger.info("Accepted job", metadata: ["job_id": "\(jobID)", "model": "\(decision.model.id)", "images": "\(imageKeys.count)"])
        let view = JobView(job, publicBaseURL: publicBaseURL(), estimatedSeconds: decision.model.typicalLatencySeconds)
        return try JSONResponse.make(view, status: .accepted)
    }

    /// The photos the video type takes, with the field each came in, in order: `before_image` and
    /// `after_image` for before_after, `images` (or one `image`) for social_reel, one `image` otherwise.
    static func photoParts(of form: VideoSubmission, for videoType: VideoType?) throws -> [(field: String, source: VideoSubmission.PhotoSource)] {
        switch videoType {
        case .beforeAfter:
            guard let before = form.photos["before_image"]?.first, let after = form.photos["after_image"]?.first else {
                throw APIError(.imageRequired, "before_after needs two photos: 'before_image' and 'after_image' (files, base64 or URLs)")
            }
            return [("before_image", before), ("after_image", after)]
        case .socialReel:
            let sources = form.photos["images"] ?? form.photos["image"] ?? []
            guard !sources.isEmpty else {
                throw APIError(.imageRequired, "social_reel needs 1 to 10 photos as 'images[]' (files, base64 or URLs)")
            }
            guard sources.count <= maxReelImages else {
                throw APIError(.invalidRequest, "social_reel takes at most \(maxReelImages) photos; got \(sources.count)")
            }
            return sources.enumerated().map { ("images[\($0.offset)]", $0.element) }
        default:
            guard let image = form.photos["image"]?.first else {
                throw APIError(.imageRequired, "send the room photo as 'image' (a file or base64) or 'image_url'")
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
                return Array(try await imageFetcher.fetch(url).1)
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

    /// The job, if it belongs to the caller's workspace; anything else is a 404, never a leak.
    @Sendable func show(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let id = try context.parameters.require("id")
        let job = try await database.pool.read { db in
            try JobRecord.filter(Column("id") == id && Column("workspace_id") == workspaceID).fetchOne(db)
        }
        guard let job else { throw APIError(.notFound, "video job '\(id)' not found") }
        return try JSONResponse.make(JobView(job, publicBaseURL: publicBaseURL()), status: .ok)
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
        guard prompt.count <= maxPromptLength else {
            throw APIError(.promptTooLong, "prompt is \(prompt.count) characters; the limit is \(maxPromptLength)")
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

    static func duration(_ text: String?) throws -> Double {
        guard let text else { return defaultDurationSeconds }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw APIError(.invalidRequest, "duration must be a number of seconds; got '\(text)'")
        }
        return seconds
    }
}
