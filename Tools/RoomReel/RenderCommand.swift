import ArgumentParser
import EventContracts
import Foundation
import LocalRender

/// `roomreel render`: the local renderer on its own, for operators trying a move and for the
/// benchmark; no Kafka, no database.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render photos to an mp4 with the local renderer (and a poster JPEG next to it)."
    )

    @Option(help: "camera_motion (default), before_after or social_reel.")
    var type: String = VideoType.cameraMotion.rawValue

    @Option(help: "The camera move for camera_motion: \(CameraMotion.allCases.map(\.rawValue).joined(separator: ", ")).")
    var motion: String = CameraMotion.zoomIn.rawValue

    @Option(help: "16:9, 9:16 or 1:1 (default 16:9; 9:16 for social_reel).")
    var aspectRatio: String?

    @Option(help: "720p or 1080p.")
    var resolution: String = Resolution.p720.rawValue

    @Option(help: "24 or 30.")
    var fps: Int = 30

    @Option(help: "Seconds, 2 to 10.")
    var duration: Double = 5

    @Option(help: "before_after reveal: wipe or crossfade.")
    var reveal: String = RevealStyle.wipe.rawValue

    @Option(help: "Crop focus as x,y fractions of the photo (default 0.5,0.5).")
    var focus: String?

    @Option(name: .shortAndLong, help: "Output mp4 path; the poster is written beside it as .jpg.")
    var output: String

    @Argument(help: "Input photos: one for camera_motion, before and after for before_after, 1-10 for social_reel.")
    var images: [String]

    func run() async throws {
        guard let videoType = VideoType(rawValue: type) else { throw ValidationError("--type: unknown video type '\(type)'") }
        let urls = images.map { URL(fileURLWithPath: $0) }
        let content: RenderRequest.Content
        switch videoType {
        case .beforeAfter:
            guard urls.count == 2, let style = RevealStyle(rawValue: reveal) else {
                throw ValidationError("before_after takes two images and --reveal wipe|crossfade")
            }
            content = .beforeAfter(before: urls[0], after: urls[1], reveal: style)
        case .socialReel:
            content = .socialReel(images: urls)
        default:
            guard urls.count == 1, let move = CameraMotion(rawValue: motion) else {
                throw ValidationError("camera_motion takes one image and a known --motion")
            }
            content = .cameraMotion(move, image: urls[0])
        }
        let defaultRatio: AspectRatio = videoType == .socialReel ? .portrait : .landscape
        guard let ratio = aspectRatio.map({ AspectRatio(rawValue: $0) }) ?? defaultRatio else {
            throw ValidationError("--aspect-ratio must be 16:9, 9:16 or 1:1")
        }
        guard let size = Resolution(rawValue: resolution) else { throw ValidationError("--resolution must be 720p or 1080p") }
        var focusPoint = FocusPoint.centre
        if let focus {
            let parts = focus.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2 else { throw ValidationError("--focus must be x,y fractions, like 0.3,0.5") }
            focusPoint = FocusPoint(x: parts[0], y: parts[1])
        }
        let request = RenderRequest(content: content, aspectRatio: ratio, resolution: size, framesPerSecond: fps,
                                    durationSeconds: duration, focus: focusPoint)
        let video = URL(fileURLWithPath: output)
        let poster = video.deletingPathExtension().appendingPathExtension("jpg")
        let log = video.deletingPathExtension().appendingPathExtension("log")
        do {
            try await LocalRenderer(ffmpegPath: ProcessInfo.processInfo.environment["FFMPEG_PATH"] ?? "ffmpeg")
                .render(request, video: video, poster: poster, logFile: log)
        } catch {
            throw ValidationError("\(error.code.rawValue): \(error.message)")
        }
        Console.say("video:  \(video.path)\nposter: \(poster.path)")
    }
}
