import EventContracts
import Foundation
import Media

/// Crops a photo to an aspect ratio around a focus point, upright and at full resolution, as a JPEG:
/// what a provider whose video takes its shape from the photo (Kling, Wan) is sent, so that the video
/// comes back in the shape the client asked for. Never stretches.
public struct PhotoCropper: Sendable {
    public let ffmpegPath: String

    public init(ffmpegPath: String) {
        self.ffmpegPath = ffmpegPath
    }

    /// Writes `photo` cropped to `ratio` at `output`.
    public func crop(_ photo: URL, orientation: ImageOrientation, to ratio: AspectRatio, focus: FocusPoint,
                     output: URL, logFile: URL) async throws {
        let (width, height) = ratio.proportions
        let filters = orientation.ffmpegFilters + [
            "crop=w='trunc(min(iw,ih*\(width)/\(height))/2)*2':h='trunc(min(ih,iw*\(height)/\(width))/2)*2'"
                + ":x='clip(\(StillDecoder.number(focus.x))*iw-ow/2,0,iw-ow)':y='clip(\(StillDecoder.number(focus.y))*ih-oh/2,0,ih-oh)'",
        ]
        try await ExternalProcess.run(ffmpegPath, arguments: [
            "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-noautorotate", "-i", photo.path,
            "-vf", filters.joined(separator: ","), "-frames:v", "1", "-q:v", "2", "-f", "image2", "-c:v", "mjpeg", output.path,
        ], logFile: logFile)
    }
}
