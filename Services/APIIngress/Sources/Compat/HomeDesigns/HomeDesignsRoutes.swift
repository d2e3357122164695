import EventContracts
import Foundation
import Hummingbird

/// HomeDesigns' `video_generation` (seed 001) under `/api/v2`: a form with the photo (a file or
/// base64) and one of the eleven camera moves as `tool_name`, answered with a queue id; then
/// `status_check/{id}` says starting, processing, and SUCCESS with the input photo and the video.
/// A translation onto the core's camera-motion job; the seed's refusals, word for word.
struct HomeDesignsRoutes {
    let jobs: CompatJobs
    static let api = "homedesigns"

    func register(on router: RouterGroup<IngressRequestContext>) {
        router.post("/video_generation", use: create)
        router.get("/video_generation/status_check/:id", use: statusCheck)
        router.get("/video_generation/input_image/:id", use: inputImage)
    }

    @Sendable func create(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let form = try await CompatForm.read(request, limit: jobs.maxUploadBytes)
        let photo: VideoSubmission.PhotoSource
        if let file = form.file("image") {
            photo = .bytes(file)
        } else if let text = form.text("image") {
            do {
                photo = .bytes(try VideoSubmission.decodeBase64(text.utf8, field: "image"))
            } catch {
                throw Self.seedRefusal(.invalidImage)!
            }
        } else {
            throw Self.seedRefusal(.imageRequired)!
        }
        guard let tool = form.text("tool_name") else { throw APIError(.invalidRequest, "tool_name field required") }
        guard let motion = CameraMotion(rawValue: tool) else {
            let permitted = CameraMotion.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw APIError(.invalidRequest, "tool_name value is not a valid enumeration member; permitted: \(permitted)")
        }
        let submission = VideoSubmission(fields: ["video_type": VideoType.cameraMotion.rawValue, "camera_motion": motion.rawValue],
                                         photos: ["image": [photo]])
        let job: JobRecord
        do {
            job = try await jobs.accept(submission, request: request, context: context, api: Self.api)
        } catch {
            let core = APIError.normalising(error, logger: context.logger)
            throw Self.seedRefusal(core.error.code) ?? core
        }
        return CompatJSON.response(["id": job.id, "status": "IN_QUEUE"], status: .ok)
    }

    /// `status_check/{id}`: `starting` while queued, `processing` with `started_at`, then `SUCCESS`
    /// with `input_image` and `output_video`; a failed job says `FAILED` with the core's error.
    @Sendable func statusCheck(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let job = try await ownJob(context)
        var answer: [String: Any] = ["created_at": EventCoding.format(job.createdAt)]
        switch job.status {
        case .queued:
            answer["status"] = "starting"
        case .processing:
            answer["status"] = "processing"
            answer["started_at"] = EventCoding.format(job.startedAt ?? job.updatedAt)
        case .completed:
            answer["status"] = "SUCCESS"
            answer["input_image"] = "\(jobs.publicBaseURL)/api/v2/video_generation/input_image/\(job.id)"
            answer["output_video"] = jobs.videoURL(job) ?? NSNull()
        case .failed:
            let failure = CompatJobs.failure(job)
            answer["status"] = "FAILED"
            answer["error"] = failure?.error.message ?? ""
            answer["code"] = failure?.error.code.rawValue ?? ""
        }
        return CompatJSON.response(answer, status: .ok)
    }

    /// The job's input photo, for the caller only (the seed hands out a public link; here the photo
    /// stays behind the key that sent it).
    @Sendable func inputImage(_ request: Request, context: IngressRequestContext) async throws -> Response {
        let job = try await ownJob(context)
        guard let key = job.inputImageKeys.first, let path = try? jobs.intake.storage.filePath(for: key),
              let bytes = FileManager.default.contents(atPath: path) else {
            throw APIError(.notFound, "Please Enter a Valid Queue ID")
        }
        let type = key.hasSuffix(".png") ? "image/png" : "image/jpeg"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func ownJob(_ context: IngressRequestContext) async throws -> JobRecord {
        guard let job = try await jobs.job(try context.parameters.require("id"), workspaceID: try context.requireWorkspace()) else {
            throw APIError(.notFound, "Please Enter a Valid Queue ID")
        }
        return job
    }

    /// The seed's own words for the core's photo refusals.
    static func seedRefusal(_ code: ErrorCode) -> APIError? {
        switch code {
        case .imageRequired: APIError(.imageRequired, "Image field required")
        case .imageTooSmall: APIError(.imageTooSmall, "Invalid image size. The image width and height must be 512x512 or greater than 512x512 pixels.")
        case .invalidImage: APIError(.invalidImage, "Invalid image format. Only PNG, JPEG and JPG images are allowed.")
        default: nil
        }
    }

    /// `{"error": <the seed's message>, "code": <the core's code>}`.
    static func error(_ error: APIError) -> [String: Any] {
        ["error": error.error.message, "code": error.error.code.rawValue]
    }
}
