import Foundation
import GRDB
import Hummingbird
import Shared

/// `POST /v1/videos` and `GET /v1/videos/{id}`.
struct VideoRoutes {
    let database: ServiceDatabase
    let storage: LocalBlobStore
    let selector: ModelSelector
    let maxUploadBytes: Int
    let publicBaseURL: @Sendable () -> String

    static let maxPromptLength = 2000
    static let defaultDurationSeconds = 5.0

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/videos", use: create)
        router.get("/videos/:id", use: show)
    }

    /// Validates the request, quotes it, stores its image, and records the job with its
    /// `video.requested` event in one transaction. Nothing is charged here: billing debits later.
    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        guard let contentType = request.headers[.contentType], let boundary = MultipartForm.boundary(fromContentType: contentType) else {
            throw APIError(.invalidRequest, "send the request as multipart/form-data")
        }
        let body = try await request.body.collect(upTo: maxUploadBytes)
        let form = try MultipartForm.parse(body, boundary: boundary)

        if let requestedWorkspace = form.text("workspace_id"), requestedWorkspace != workspaceID {
            throw APIError(.notFound, "workspace '\(requestedWorkspace)' not found")
        }
        let jobID = UUID().uuidString.lowercased()
        let spec = VideoJobSpec(
            jobID: jobID, workspaceID: workspaceID,
            videoType: try form.text("video_type").map { try Self.parse(VideoType.self, $0, field: "video_type") },
            model: form.text("model"),
            cameraMotion: try form.text("camera_motion").map { try Self.parse(CameraMotion.self, $0, field: "camera_motion") },
            prompt: try Self.checkedPrompt(form.text("prompt")),
            style: form.text("style"),
            aspectRatio: try form.text("aspect_ratio").map { try Self.parse(AspectRatio.self, $0, field: "aspect_ratio") } ?? .landscape,
            durationSeconds: try Self.duration(form.text("duration")),
            destinationPrefix: form.text("destination_prefix")
        )
        guard var image = form.part("image"), image.body.readableBytes > 0 else {
            throw APIError(.imageRequired, "send the room photo as the 'image' file field")
        }
        let imageBytes = image.body.readBytes(length: image.body.readableBytes) ?? []
        guard let format = ImageFormat.detect(imageBytes) else {
            throw APIError(.invalidImage, "the image must be a JPEG or PNG file")
        }
        let decision = try selector.select(for: spec, imageCount: 1)

        let imageKey = "inputs/\(jobID)/image-0.\(format.fileExtension)"
        try storage.write(imageBytes, to: imageKey)
        let now = Date()
        let job = JobRecord(
            id: jobID, workspaceID: workspaceID, status: .queued, stage: .requested,
            videoType: spec.videoType?.rawValue, cameraMotion: spec.cameraMotion?.rawValue, model: decision.model.id,
            quotedCredits: decision.credits, creditsDebited: nil, durationSeconds: spec.durationSeconds,
            aspectRatio: spec.aspectRatio.rawValue, prompt: spec.prompt, provider: decision.model.provider,
            predictionID: nil, videoKey: nil, videoBytes: nil, errorCode: nil, errorMessage: nil, errorDetails: nil,
            webhookURL: form.text("webhook_url"), createdAt: now, updatedAt: now)
        let event = EventEnvelope(source: "api-ingress", subject: jobID, workspaceID: workspaceID,
                                  data: VideoRequested(request: spec, inputImageKeys: [imageKey]))
        try await database.pool.write { db in
            try job.insert(db)
            try Outbox.enqueue(event, in: db)
        }
        context.logger.info("Accepted job", metadata: ["job_id": "\(jobID)", "model": "\(decision.model.id)"])
        let view = JobView(job, publicBaseURL: publicBaseURL(), estimatedSeconds: decision.model.typicalLatencySeconds)
        return try Self.json(view, status: .accepted, request: request, context: context)
    }

    /// The job, if it belongs to the caller's workspace; anything else is a 404, never a leak.
    @Sendable func show(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let id = try context.parameters.require("id")
        let job = try await database.pool.read { db in
            try JobRecord.filter(Column("id") == id && Column("workspace_id") == workspaceID).fetchOne(db)
        }
        guard let job else { throw APIError(.notFound, "video job '\(id)' not found") }
        return try Self.json(JobView(job, publicBaseURL: publicBaseURL()), status: .ok, request: request, context: context)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status, request: Request, context: IngressRequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
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

    static func duration(_ text: String?) throws -> Double {
        guard let text else { return defaultDurationSeconds }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw APIError(.invalidRequest, "duration must be a number of seconds; got '\(text)'")
        }
        return seconds
    }
}
