import EventContracts
import EventRuntime
import Foundation
import GRDB
import Hummingbird

/// The OpenAI-style Videos API under `/openai/v1` (the shape the `openai` SDK's `videos` resource
/// speaks, and LiteLLM and other gateways serve): create, retrieve, list, delete and download.
/// A translation onto the core job; `/v1/videos` keeps its own shape.
struct OpenAIVideosRoutes {
    let jobs: CompatJobs
    static let api = "openai"
    /// The fields `POST /videos` takes; anything else is refused, as OpenAI refuses unknown parameters.
    static let fields: Set<String> = ["prompt", "model", "seconds", "size", "input_reference", "input_reference[image_url]", "input_reference[file_id]"]

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/videos", use: create)
        router.get("/videos", use: list)
        router.get("/videos/:id", use: retrieve)
        router.delete("/videos/:id", use: delete)
        router.get("/videos/:id/content", use: content)
    }

    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let form = try await CompatForm.read(request, limit: jobs.maxUploadBytes)
        if let unknown = form.fieldNames.subtracting(Self.fields).sorted().first {
            throw APIError(.invalidRequest, "Unknown parameter: '\(unknown)'; the parameters are \(Self.fields.sorted().joined(separator: ", "))")
        }
        guard let prompt = form.text("prompt") else { throw APIError(.invalidRequest, "Missing required parameter: 'prompt'") }
        let size = form.text("size") ?? OpenAIVideo.defaultSize
        guard let ratio = OpenAIVideo.sizes.first(where: { $0.size == size })?.ratio else {
            throw APIError(.invalidRequest, "size must be one of \(OpenAIVideo.sizes.map(\.size).joined(separator: ", ")) (RoomReel renders 720p); got '\(size)'")
        }
        var fields = ["prompt": prompt, "duration": form.text("seconds") ?? OpenAIVideo.defaultSeconds, "aspect_ratio": ratio.rawValue, "resolution": "720p"]
        // No model, or one of OpenAI's own: the configured default, free to fall back within its price.
        if let model = form.text("model"), !model.lowercased().hasPrefix("sora") {
            fields["model"] = model
        } else {
            fields["model"] = jobs.settings.openAIDefaultModel
            fields["fallback"] = "true"
        }
        var photos: [String: [VideoSubmission.PhotoSource]] = [:]
        if form.text("input_reference[file_id]") != nil {
            throw APIError(.invalidRequest, "input_reference.file_id is not supported here; send the photo as a file or as input_reference.image_url")
        }
        if let file = form.file("input_reference") {
            photos["image"] = [.bytes(file)]
        } else if let reference = form.text("input_reference[image_url]") ?? form.text("input_reference") {
            photos["image"] = [try Self.photo(reference)]
        }
        let job = try await jobs.accept(VideoSubmission(fields: fields, photos: photos), request: request, context: context, api: Self.api)
        return CompatJSON.response(OpenAIVideo.object(job), status: .ok)
    }

    @Sendable func retrieve(_ request: Request, context: IngressRequestContext) async throws -> Response {
        CompatJSON.response(OpenAIVideo.object(try await ownJob(context)), status: .ok)
    }

    /// `GET /videos?after=&limit=&order=`: the workspace's videos a page at a time, newest first by default.
    @Sendable func list(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let query = request.uri.queryParameters
        let limit = try query["limit"].map { text in
            guard let limit = Int(text), (1...100).contains(limit) else { throw APIError(.invalidRequest, "limit must be from 1 to 100; got '\(text)'") }
            return limit
        } ?? 20
        let order = query["order"].map(String.init) ?? "desc"
        guard order == "asc" || order == "desc" else { throw APIError(.invalidRequest, "order must be asc or desc; got '\(order)'") }
        var cursor: JobRecord?
        if let id = query["after"].map(String.init) {
            guard let job = try await jobs.job(id, workspaceID: workspaceID) else { throw APIError(.notFound, "video '\(id)' not found") }
            cursor = job
        }
        let after = cursor
        let page = try await jobs.intake.files.database(of: workspaceID).pool.read { db in
            var request = JobRecord.filter(Column("workspace_id") == workspaceID && Column("deleted_at") == nil)
            let (created, id) = (Column("created_at"), Column("id"))
            if let after {
                let time = DatabaseTime.value(after.createdAt)
                request = order == "desc"
                    ? request.filter(created < time || (created == time && id < after.id))
                    : request.filter(created > time || (created == time && id > after.id))
            }
            request = order == "desc" ? request.order(created.desc, id.desc) : request.order(created.asc, id.asc)
            return try request.limit(limit + 1).fetchAll(db)
        }
        let shown = Array(page.prefix(limit))
        return CompatJSON.response([
            "object": "list", "data": shown.map(OpenAIVideo.object), "has_more": page.count > limit,
            "first_id": shown.first?.id ?? NSNull(), "last_id": shown.last?.id ?? NSNull(),
        ], status: .ok)
    }

    @Sendable func delete(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let job = try await VideoRoutes.deleteJob(try context.parameters.require("id"), workspaceID: workspaceID,
                                                  database: try jobs.intake.files.database(of: workspaceID), storage: jobs.intake.storage)
        return CompatJSON.response(["id": job.id, "object": "video.deleted", "deleted": true], status: .ok)
    }

    /// `GET /videos/{id}/content?variant=video|thumbnail`: a redirect to the stored mp4 or its poster.
    @Sendable func content(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let job = try await ownJob(context)
        let variant = request.uri.queryParameters["variant"].map(String.init) ?? "video"
        guard variant == "video" || variant == "thumbnail" else {
            throw APIError(.invalidRequest, "variant must be video or thumbnail; got '\(variant)'")
        }
        guard job.status == .completed, let url = variant == "video" ? jobs.videoURL(job) : jobs.posterURL(job) else {
            throw APIError(.notFound, "video '\(job.id)' has no \(variant) yet; it is \(OpenAIVideo.status(job.status))")
        }
        return Response(status: .found, headers: [.location: url])
    }

    private func ownJob(_ context: IngressRequestContext) async throws -> JobRecord {
        let id = try context.parameters.require("id")
        guard let job = try await jobs.job(id, workspaceID: try context.requireWorkspace()) else { throw APIError(.notFound, "video '\(id)' not found") }
        return job
    }

    /// `input_reference.image_url`: an http(s) URL, or a base64 `data:` URL.
    static func photo(_ reference: String) throws -> VideoSubmission.PhotoSource {
        if reference.hasPrefix("data:") {
            return .bytes(try VideoSubmission.decodeBase64(reference.utf8, field: "input_reference.image_url"))
        }
        guard let url = URL(string: reference), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw APIError(.invalidRequest, "input_reference.image_url must be an http(s) URL or a data: URL")
        }
        return .url(url)
    }
}
