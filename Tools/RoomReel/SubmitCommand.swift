import ArgumentParser
import Foundation
import OutboundHTTP

/// `roomreel submit PHOTO…`: posts a video job as any client would and, with `--wait`, follows it to
/// the end: a progress bar on a terminal, one line per state otherwise; then the video's URL.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Request a video from one or more photos.")

    @OptionGroup var connection: APIConnection
    @Argument(help: "The photo (JPEG or PNG); before_after takes two (before, after), social_reel up to ten.")
    var photos: [String]
    @Option(help: "walkthrough, floorplan_flythrough, product_spotlight, before_after, social_reel or camera_motion.")
    var type: String?
    @Option(help: "The camera move (camera_motion): pan_up, zoom_in, rotate_cw, …")
    var move: String?
    @Option(help: "A model id from GET /v1/models, instead of the video type's default.")
    var model: String?
    @Option(help: "16:9, 9:16 or 1:1.") var ratio: String?
    @Option(help: "Seconds of video.") var duration: Double?
    @Option(help: "A design style: Modern, Minimalist, Scandinavian, Industrial, Mid-Century Modern, Contemporary.") var style: String?
    @Option(help: "What the video should show (remote models).") var prompt: String?
    @Flag(help: "Follow the job until its video is ready.") var wait = false

    func validate() throws {
        guard type != nil || model != nil || move != nil else { throw ValidationError("give --type, --move or --model") }
        guard !photos.isEmpty else { throw ValidationError("give at least one photo") }
    }

    func run() async throws {
        let videoType = type ?? (move != nil ? "camera_motion" : nil)
        var fields: [(String, String)] = []
        if let videoType { fields.append(("video_type", videoType)) }
        for (name, value) in [("camera_motion", move), ("model", model), ("aspect_ratio", ratio), ("style", style), ("prompt", prompt),
                              ("duration", duration.map { String($0) })] {
            if let value { fields.append((name, value)) }
        }
        let names: [String] = switch videoType {
        case "before_after": ["before_image", "after_image"]
        case "social_reel": Array(repeating: "images[]", count: photos.count)
        default: ["image"]
        }
        guard photos.count <= names.count else {
            throw APIConnection.Failure(description: "\(videoType ?? "this job") takes \(names.count) photo\(names.count == 1 ? "" : "s"); got \(photos.count)")
        }
        let files = try zip(names, photos).map { name, path in
            let url = URL(fileURLWithPath: path)
            guard let data = try? Data(contentsOf: url) else { throw APIConnection.Failure(description: "cannot read \(path)") }
            return (name: name, filename: url.lastPathComponent, contentType: url.pathExtension.lowercased() == "png" ? "image/png" : "image/jpeg", data: data)
        }
        let form = MultipartBody(fields: fields, files: files)
        let job = try await connection.call("POST", "/v1/videos", headers: [("Content-Type", form.contentType)], body: Array(form.data))
        let id = job["id"] as? String ?? "?"
        Console.say("Job \(id): \(job["model"] as? String ?? "?"), \(job["credits"] as? Int ?? 0) credits")
        if let reason = job["routing_reason"] as? String { Console.say("  \(reason)") }
        guard wait else { return }
        let finished = try await JobFollower(connection: connection, id: id).follow()
        guard finished["status"] as? String == "completed" else {
            let error = finished["error"] as? [String: Any]
            throw APIConnection.Failure(description: "job \(id) failed: \(error?["code"] as? String ?? "?"): \(error?["message"] as? String ?? "")")
        }
        Console.say("Video: \(finished["video_url"] as? String ?? "?")")
        if let poster = finished["poster_url"] as? String { Console.say("Poster: \(poster)") }
    }
}
