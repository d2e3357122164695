import EventContracts
import Foundation

/// The OpenAI-style Videos API's `video` object (the `openai` package's `types/video.py`), drawn
/// from a core job.
enum OpenAIVideo {
    /// The sizes RoomReel renders exactly (720p in each of its ratios), with their ratios.
    static let sizes: [(size: String, ratio: AspectRatio)] = [("720x1280", .portrait), ("1280x720", .landscape), ("720x720", .square)]
    static let defaultSize = "720x1280"
    static let defaultSeconds = "4"

    /// The object for `job`.
    static func object(_ job: JobRecord) -> [String: Any] {
        var object: [String: Any] = [
            "id": job.id,
            "object": "video",
            "created_at": CompatJSON.unixTime(job.createdAt),
            "completed_at": job.status == .completed ? job.finishedAt.map(CompatJSON.unixTime) ?? NSNull() : NSNull(),
            "expires_at": NSNull(),
            "model": job.model ?? job.requestedModel ?? "",
            "progress": progress(job),
            "prompt": job.prompt ?? NSNull(),
            "remixed_from_video_id": NSNull(),
            "seconds": seconds(job.durationSeconds),
            "size": size(job),
            "status": status(job.status),
            "error": NSNull(),
        ]
        if let failure = CompatJobs.failure(job) {
            object["error"] = ["code": failure.error.code.rawValue, "message": failure.error.message]
        }
        return object
    }

    /// The core's states in this API's words.
    static func status(_ status: JobRecord.Status) -> String {
        switch status {
        case .queued: "queued"
        case .processing: "in_progress"
        case .completed: "completed"
        case .failed: "failed"
        }
    }

    /// 0–100, by how far the job got.
    static func progress(_ job: JobRecord) -> Int {
        switch job.stage {
        case .requested: 0
        case .routed: 5
        case .debited: 10
        case .submitted: 20
        case .generated: 90
        case .stored: 100
        case .failed: 100
        }
    }

    /// Whole seconds as the API writes them ("4"), fractions as they are.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The stored video's frame, or the frame asked for until it is stored.
    static func size(_ job: JobRecord) -> String {
        if let width = job.videoWidth, let height = job.videoHeight { return "\(width)x\(height)" }
        return sizes.first { $0.ratio.rawValue == job.aspectRatio }?.size ?? defaultSize
    }

    /// An error in this API's shape: `{"error": {"message", "type", "param", "code"}}`, `code` being
    /// the core's stable code.
    static func error(_ error: APIError) -> [String: Any] {
        let type = switch error.error.code.httpStatus {
        case 401: "authentication_error"
        case 402: "insufficient_quota"
        case 404: "not_found_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
        return ["error": ["message": error.error.message, "type": type, "param": NSNull(), "code": error.error.code.rawValue]]
    }
}
