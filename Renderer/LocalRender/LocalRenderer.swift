import EventContracts
import Foundation
import Media

/// RoomReel's own video model: camera moves, walkthroughs, floor-plan sweeps and product spotlights
/// over photos, before/after reveals and reels, in any of the design styles' colour grades, encoded by
/// ffmpeg to H.264 yuv420p mp4 with `+faststart` (playable while it streams), plus a poster JPEG.
public struct LocalRenderer: Sendable {
    public static let providerName = "local"

    /// The ffmpeg executable: a path, or a name looked up on PATH.
    public let ffmpegPath: String
    /// x264 preset and quality. On two cores `superfast` encodes a moving 720p clip in about half the
    /// time of `veryfast`, and at CRF 21 its SSIM against the unencoded frames is as high (0.998);
    /// the price is a larger file (about 2 Mbit/s at 720p), which storage and browsers take easily.
    public var preset = "superfast"
    public var quality = 21

    public init(ffmpegPath: String = "ffmpeg") {
        self.ffmpegPath = ffmpegPath
    }

    /// Checks `request` and renders it to `video`, with its poster at `poster`; ffmpeg's output goes to
    /// `logFile`. `progress` hears how far the encoding is, in tenths (10 … 90 percent).
    public func render(_ request: RenderRequest, video: URL, poster: URL, logFile: URL,
                       progress: (@Sendable (Int) -> Void)? = nil) async throws(RoomReelError) {
        try Self.validate(request)
        let images = request.inputImages
        var headers: [ImageHeader] = []
        for image in images {
            guard let bytes = try? Self.head(of: image), let header = ImageHeader.read(bytes) else {
                throw RoomReelError(.invalidImage, "input image \(image.lastPathComponent) is not a readable JPEG or PNG")
            }
            headers.append(header)
        }
        let orientations = headers.map(\.orientation)
        // Scratch frames go beside the video, named after it, so that a crash's leftovers are found
        // with the job's other files.
        let scratch = video.deletingPathExtension()
        do {
            let stills = try await StillDecoder(ffmpegPath: ffmpegPath).decode(
                images, orientations: orientations, focus: request.focus, size: FrameComposer.stillSize(for: request),
                raw: scratch.appendingPathExtension("stills.yuv"), logFile: logFile)
            let composer = FrameComposer(request: request, stills: stills,
                                         focusInStill: StillDecoder.focusInStill(request.focus, photo: headers[0], size: request.frameSize))
            // The poster is one frame, drawn and encoded beside the clip rather than after it.
            async let posterWritten: Void = writePoster(request, composer: composer, to: poster,
                                                           raw: scratch.appendingPathExtension("poster.yuv"), logFile: logFile)
            try await VideoEncoder(ffmpegPath: ffmpegPath, preset: preset, quality: quality)
                .encode(request, composer: composer, output: video, logFile: logFile, progress: progress)
            try await posterWritten
        } catch let error as RoomReelError {
            throw error
        } catch {
            throw RoomReelError(.generationFailed, "local render failed: \(error)")
        }
    }

    /// Encodes the representative frame as a JPEG.
    private func writePoster(_ request: RenderRequest, composer: FrameComposer, to poster: URL, raw: URL, logFile: URL) async throws {
        var composer = composer
        let (width, height) = request.frameSize
        var frame = PlanarImage(width: width, height: height)
        composer.draw(FrameComposer.posterFrame(for: request), into: &frame)
        defer { try? FileManager.default.removeItem(at: raw) }
        try Data(frame.bytes).write(to: raw)
        try await ExternalProcess.run(ffmpegPath, arguments: [
            "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "\(width)x\(height)", "-i", raw.path,
            "-frames:v", "1", "-q:v", "3", "-update", "1", poster.path,
        ], logFile: logFile.deletingPathExtension().appendingPathExtension("poster.log"))
    }

    /// Refuses what the renderer cannot make, before any work.
    public static func validate(_ request: RenderRequest) throws(RoomReelError) {
        guard RenderRequest.durationRange.contains(request.durationSeconds) else {
            throw RoomReelError(.modelCannotDo, "the local renderer makes clips of 2 to 10 seconds; got \(request.durationSeconds)")
        }
        guard RenderRequest.allowedFrameRates.contains(request.framesPerSecond) else {
            throw RoomReelError(.modelCannotDo, "the local renderer renders at 24 or 30 fps; got \(request.framesPerSecond)")
        }
        if case .socialReel(let images) = request.content, !RenderRequest.reelImageRange.contains(images.count) {
            throw RoomReelError(.modelCannotDo, "a social reel takes 1 to 10 images; got \(images.count)")
        }
    }

    private static func head(of file: URL) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        // Headers sit at the start; 1 MiB covers large EXIF thumbnails and ICC profiles before the frame header.
        return Array(try handle.read(upToCount: 1 << 20) ?? Data())
    }
}

extension RenderRequest {
    /// The input photos, in the order the filter graph numbers them.
    var inputImages: [URL] {
        switch content {
        case .cameraMotion(_, let image): [image]
        case .beforeAfter(let before, let after, _): [before, after]
        case .socialReel(let images): images
        case .walkthrough(let image), .floorPlanFlythrough(let image), .productSpotlight(let image): [image]
        }
    }
}
